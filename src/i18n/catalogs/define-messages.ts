/** A catalog area: English defines the keys; every other language must have exactly the same ones. */
export function defineMessages<const E extends Record<string, string>>(messages: {
  en: E;
  fr: { [K in keyof E]: string };
  nl: { [K in keyof E]: string };
  de: { [K in keyof E]: string };
  es: { [K in keyof E]: string };
}) {
  return messages;
}
