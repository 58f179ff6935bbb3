// The pages' small enhancements; every page works without them.
//
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

// A long list of check boxes gets a field that filters it: typing hides the choices whose label
// does not contain the text; checked ones always show. Without this script the whole list shows.
document.addEventListener('DOMContentLoaded', function () {
  var sets = document.querySelectorAll('fieldset[data-filter]');
  Array.prototype.forEach.call(sets, function (set) {
    var list = set.querySelector('.choices');
    if (!list) { return; }
    var rows = Array.prototype.slice.call(list.querySelectorAll('.check'));
    var words = rows.map(function (row) { return row.textContent.toLocaleLowerCase('sv'); });
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'choice-filter';
    input.setAttribute('aria-label', set.getAttribute('data-filter'));
    if (list.id) { input.setAttribute('aria-controls', list.id); }
    input.placeholder = set.getAttribute('data-filter');
    list.parentNode.insertBefore(input, list);
    set.classList.add('filtered');
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); }
    });
    input.addEventListener('input', function () {
      var q = input.value.trim().toLocaleLowerCase('sv');
      rows.forEach(function (row, n) {
        var checked = row.querySelector('input').checked;
        row.hidden = q !== '' && !checked && words[n].indexOf(q) < 0;
      });
    });
  });
});
