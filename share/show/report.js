(function(){
  'use strict';
  document.addEventListener('click', function (ev) {
    var card = ev.target.closest ? ev.target.closest('.card') : null;
    if (!card || ev.target.tagName === 'A') return;
    var art = card.closest('section.art'), k = card.getAttribute('data-k');
    art.querySelectorAll('.on').forEach(function (x) { x.classList.remove('on'); });
    art.querySelectorAll('[data-f~="' + k + '"],[data-ev~="' + k + '"]')
      .forEach(function (x) { x.classList.add('on'); });
  });
  var only = document.getElementById('only');
  if (only) only.addEventListener('change', function () {
    document.body.classList.toggle('only', only.checked);
  });
  document.body.setAttribute('data-ready', '1');
})();
