// A proof of work for forms marked data-proof="<challenge URL>": before the form is sent,
// fetch a challenge and find a nonce whose sha256 has the asked-for leading zero bits
// (yinghuo/proofwork.py); the answer goes in the form's "proof" field.
(function () {
  "use strict";
  function zeroBits(bytes, bits) {
    var i = 0;
    for (; bits >= 8; bits -= 8, i++) { if (bytes[i] !== 0) { return false; } }
    return bits === 0 || (bytes[i] >> (8 - bits)) === 0;
  }
  async function solve(challenge, bits) {
    var encoder = new TextEncoder();
    for (var nonce = 0; ; nonce++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce));
      if (zeroBits(new Uint8Array(digest), bits)) { return challenge + ":" + nonce; }
    }
  }
  document.addEventListener("submit", async function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.proof || form.dataset.solved) { return; }
    event.preventDefault();
    var status = form.querySelector(".proof-status");
    if (status) { status.hidden = false; }
    var answer = await fetch(form.dataset.proof, {credentials: "same-origin"}).then(function (r) { return r.json(); });
    form.querySelector("input[name=proof]").value = await solve(answer.challenge, answer.difficulty);
    form.dataset.solved = "1";
    form.submit();
  });
}());
