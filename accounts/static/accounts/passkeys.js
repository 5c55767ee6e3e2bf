// After django-otp-webauthn's script has registered a passkey, go on to the page
// that lists it (the script itself only says "Registration successful!").
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.assign(document.getElementById("passkey-enrolment").dataset.doneUrl);
});
