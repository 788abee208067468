// The group session form (assistance/activity_form.html): a person ticked in the search
// results moves into the participants list. Loaded after the form.
document.getElementById("participant-results").addEventListener("change", function (event) {
  if (event.target.name === "participants" && event.target.checked) {
    document.getElementById("participants").appendChild(event.target.closest("li"));
  }
});
