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
