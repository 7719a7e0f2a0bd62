import type { BrandImageKind, ImageProblem, ImageRule } from '../../../directories/branding.ts';

// Every string of the branding page, apart from the templates, as the portal keeps its words.

const kinds = <T>(logo: T, background: T, favicon: T): Readonly<Record<BrandImageKind, T>> => ({ logo, background, favicon });

export const brandingMessages = {
  title: 'Company branding',
  navLabel: 'Company branding',
  imagesLegend: 'Images',
  image: kinds('Banner logo', 'Background image', 'Favicon'),
  currentImage: kinds('Current banner logo', 'Current background image', 'Current favicon'),
  remove: kinds('Remove the logo', 'Remove the background image', 'Remove the favicon'),
  noImage: 'None: Latchkey’s default is used.',
  coloursLegend: 'Colours',
  primaryColour: 'Primary colour',
  primaryColourHint: 'Buttons and links. Choose one dark enough to read on white; button text turns dark on a light colour.',
  backgroundColour: 'Background colour',
  backgroundColourHint: 'Behind the sign-in box, and where the background image does not cover.',
  layoutLegend: 'Page layout',
  layoutClassic: 'Classic',
  layoutClassicHint: 'The sign-in box centred over the background image.',
  layoutSplit: 'Split',
  layoutSplitHint: 'The background image on one side, the sign-in box on the other (stacked on phones).',
  signInText: 'Sign-in page text',
  signInTextHint: 'A short paragraph shown on the sign-in page, as plain text. At most 500 characters.',
  supportContact: 'Support contact',
  supportContactHint: 'An email address, web address or phone number, shown at the foot of every customer page and in every mail. At most 200 characters.',
  save: 'Save',
  saved: 'Saved',
  preview: 'Preview',
  previewTitle: 'Preview of the sign-in page',
  previewHint: 'Press Preview to see unsaved changes here; nothing is saved until you press Save.',
  previewFrameTitle: 'Preview of the customer sign-in page',
  reset: 'Reset to default',
  resetHint: 'Removes the images, colours, layout and sign-in text; the support contact stays.',
  resetConfirm: 'Reset the branding of this directory to Latchkey’s default?',
  resetDone: 'Branding reset to the default.',
  nothingChanged: 'Nothing was changed:',
  badForm: 'The form could not be understood. Reload the page and try again.',
  tooLargeTitle: 'Upload too large',
  tooLarge: 'The upload is too large: a logo may be at most 256 KB, a background image 1 MB and a favicon 64 KB. Nothing was changed.',
  invalidColour: (label: string) => `${label}: enter a colour as #rrggbb, such as #0b5cad.`,
  textTooLong: (label: string, max: number) => `${label}: at most ${max} characters.`,
  previewProblems: 'The preview cannot be shown:',
} as const;

const TYPE_NAMES: Readonly<Record<string, string>> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', gif: 'GIF', ico: 'ICO' };

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`);
const typeList = (rule: ImageRule) => rule.types.map((t) => TYPE_NAMES[t]).join(', ');

export function imageRuleText(rule: ImageRule): string {
  return `${typeList(rule)}; at most ${size(rule.maxBytes)} and ${rule.maxWidth}×${rule.maxHeight} pixels.`;
}

export function imageProblemText(kind: BrandImageKind, rule: ImageRule, problem: ImageProblem): string {
  const label = brandingMessages.image[kind];
  switch (problem) {
    case 'markup':
      // SVG can carry script; saying why saves the administrator a support ticket.
      return `${label}: SVG and other markup files are not accepted, because they can contain scripts. Upload ${typeList(rule)}.`;
    case 'type':
      return `${label}: the file is not a ${typeList(rule)} image (checked by its content, whatever its name).`;
    case 'too_big':
      return `${label}: the file is larger than ${size(rule.maxBytes)}.`;
    case 'too_large':
      return `${label}: the image is larger than ${rule.maxWidth}×${rule.maxHeight} pixels.`;
    default: {
      const unknown: never = problem;
      throw new Error(`unknown image problem ${String(unknown)}`);
    }
  }
}
