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
