// The Standard Webhooks reference verifier for TypeScript (npm `standardwebhooks`), run on deliveries our
// Python code signed: stdin is a JSON array of {secret, headers, body}; stdout is a JSON array holding, for
// each, null when it verifies or the verifier's error message.
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(({ secret, headers, body }) => {
    try {
      new Webhook(secret).verify(body, headers);
      return null;
    } catch (error) {
      return String(error.message || error);
    }
  });
  process.stdout.write(JSON.stringify(results));
});
