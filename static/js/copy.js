// Copy buttons: <button data-copy-target="ID"> copies the value of the element with that id.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var field = document.getElementById(button.dataset.copyTarget);
  var value = field.value !== undefined ? field.value : field.textContent;
  var done = function () { button.textContent = "Copied"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(value).then(done);
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});
