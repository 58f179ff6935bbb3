// On narrow screens the main navigation folds behind a "Menu" button. Without this script the
// navigation simply stays open.
document.addEventListener('DOMContentLoaded', function () {
  var button = document.getElementById('nav-toggle');
  var nav = document.getElementById('sidenav');
  if (!button || !nav) { return; }
  nav.classList.add('collapsible');
  button.hidden = false;
  function set(open) {
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    nav.classList.toggle('open', open);
  }
  set(false);
  button.addEventListener('click', function () {
    set(button.getAttribute('aria-expanded') !== 'true');
  });
});
