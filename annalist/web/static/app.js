// annalist explorer: the little that needs a script. Pages work without it.
// Highlight legend: each checkbox shows or hides one kind of highlight in the article.
document.addEventListener("DOMContentLoaded", function () {
  var article = document.getElementById("article");
  if (!article) return;
  document.querySelectorAll("#legend input[data-toggle]").forEach(function (box) {
    var apply = function () { article.classList.toggle("hide-" + box.dataset.toggle, !box.checked); };
    box.addEventListener("change", apply);
    apply();
  });
});
