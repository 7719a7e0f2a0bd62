// Progressive enhancement only: every page works without it. Shows or hides a password field (P6).
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-toggle-password]');
  if (!button) return;
  const input = document.getElementById(button.dataset.togglePassword);
  if (!input) return;
  const show = input.type === 'password';
  input.type = show ? 'text' : 'password';
  button.textContent = show ? button.dataset.hide : button.dataset.show;
  button.setAttribute('aria-pressed', String(show));
});

// A destructive form asks first; without JavaScript it simply submits.
document.addEventListener('submit', (event) => {
  const message = event.target.dataset?.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// A section that can renew itself (a run's test inbox): refetched every few seconds while the page is
// visible, and swapped in place when its contents changed. Without the script its Refresh link does it.
for (const section of document.querySelectorAll('[data-refresh-url]')) {
  let current = section;
  setInterval(async () => {
    if (document.hidden) return;
    const response = await fetch(current.dataset.refreshUrl, { credentials: 'same-origin', headers: { accept: 'text/html' } }).catch(() => undefined);
    if (!response || !response.ok) return;
    const markup = await response.text();
    const next = new DOMParser().parseFromString(markup, 'text/html').body.firstElementChild;
    if (!next || next.innerHTML === current.innerHTML) return;
    current.replaceWith(next);
    current = next;
  }, 3000);
}

// Company branding page: the preview follows colours and text as they are typed (CSS variables set
// through the CSSOM, which the CSP allows); a new image, a removal or another layout re-posts the form
// into the preview. Without this script the "Preview" button does the same on demand.
const brandingPreview = document.querySelector('iframe[data-branding-preview]');
const brandingForm = document.querySelector('form[data-branding-form]');
if (brandingPreview && brandingForm) {
  const textOn = (hex) => {
    const channel = (i) => {
      const c = Number.parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2) > 0.179 ? '#1b1f24' : '#ffffff';
  };
  const apply = (field) => {
    const doc = brandingPreview.contentDocument;
    if (!doc) return;
    const variable = field.dataset.previewVar;
    if (variable) {
      doc.documentElement.style.setProperty(variable, field.value);
      if (variable === '--primary') {
        doc.documentElement.style.setProperty('--primary-dark', `color-mix(in srgb, ${field.value} 80%, #000)`);
        doc.documentElement.style.setProperty('--on-primary', textOn(field.value));
      }
    } else if (field.hasAttribute('data-preview-text')) {
      let paragraph = doc.querySelector('.brand-text');
      if (!paragraph && !field.value.trim()) return;
      if (!paragraph) {
        paragraph = doc.createElement('p');
        paragraph.className = 'brand-text';
        doc.querySelector('h1')?.after(paragraph);
      }
      paragraph.textContent = field.value.trim();
    }
  };
  brandingForm.addEventListener('input', (event) => apply(event.target));
  // A re-post can still be loading while the admin types; the document it brings was rendered from
  // the form as it was when posted, so whatever was typed since is applied again once it arrives.
  brandingPreview.addEventListener('load', () => {
    for (const field of brandingForm.querySelectorAll('[data-preview-var], [data-preview-text]')) apply(field);
  });
  brandingForm.addEventListener('change', (event) => {
    const field = event.target;
    if (field.type === 'file' || field.type === 'checkbox' || field.name === 'layout') {
      brandingForm.querySelector('[data-preview-submit]')?.click();
    }
  });
}
