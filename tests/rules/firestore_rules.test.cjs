// firestore.rules judged by Firebase's own harness (@firebase/rules-unit-testing) on the running Firestore
// emulator (FIRESTORE_EMULATOR_HOST, nothing downloaded), in a project of its own so the suite's data is
// untouched: a client reads its own documents and nothing else, and writes nothing.
const { test, before, after } = require("node:test");
const fs = require("node:fs");
const path = require("node:path");
const {
  initializeTestEnvironment,
  assertSucceeds,
  assertFails,
} = require("@firebase/rules-unit-testing");
const { doc, getDoc, getDocs, setDoc, deleteDoc, collection, query, where } = require("firebase/firestore");

const [host, port] = process.env.FIRESTORE_EMULATOR_HOST.split(":");
let env;

const SEEDED = {
  "users/ada": { display_name: "Ada" },
  "users/bob": { display_name: "Bob" },
  "users/ada/days/2026-11-21": { seconds: 1800 },
  "users/bob/days/2026-11-21": { seconds: 60 },
  "users/ada/memberships/c1": { challenge_id: "c1" },
  "users/ada/sessions/s1": { id: "s1" },
  "users/ada/devices/d1": { token: "t" },
  "users/ada/friends/bob": { since: 1 },
  "streaks/ada": { current_streak: 3 },
  "streaks/bob": { current_streak: 9 },
  "outbox/ada:milestone:7": { uid: "ada" },
  "outbox/bob:milestone:7": { uid: "bob" },
  "challenges/c1": { title: "November" },
  "boards/all/entries/ada": { score: 3 },
  "webhook_endpoints/wh1": { sealed_secret: "x" },
  "league_members/2026-W49:ada": { score: 3 },
  "rate_limits/ip:1.2.3.4": { hits: 1 },
  "friend_streaks/fs1": { users: ["ada", "bob"] },
  "analytics/2026-11-21/shards/s00": { c: { sessions: 3 } },
};

before(async () => {
  env = await initializeTestEnvironment({
    projectId: "demo-rules-harness",
    firestore: {
      host,
      port: Number(port),
      rules: fs.readFileSync(path.join(__dirname, "..", "..", "firestore.rules"), "utf8"),
    },
  });
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (admin) => {
    for (const [where_, data] of Object.entries(SEEDED)) await setDoc(doc(admin.firestore(), where_), data);
  });
});

after(async () => {
  await env.clearFirestore();
  await env.cleanup();
});

const ada = () => env.authenticatedContext("ada").firestore();

test("a user reads their own user document, days, memberships and streak", async () => {
  for (const own of ["users/ada", "users/ada/days/2026-11-21", "users/ada/memberships/c1", "streaks/ada"]) {
    await assertSucceeds(getDoc(doc(ada(), own)));
  }
  await assertSucceeds(getDocs(collection(ada(), "users/ada/days")));
});

test("a user reads nobody else's documents", async () => {
  for (const other of ["users/bob", "users/bob/days/2026-11-21", "streaks/bob", "outbox/bob:milestone:7"]) {
    await assertFails(getDoc(doc(ada(), other)));
  }
  await assertFails(getDocs(collection(ada(), "users/bob/days")));
  await assertFails(getDocs(collection(ada(), "users")));
  await assertFails(getDocs(collection(ada(), "streaks")));
});

test("the outbox is readable only as a query constrained to the caller", async () => {
  await assertSucceeds(getDocs(query(collection(ada(), "outbox"), where("uid", "==", "ada"))));
  await assertFails(getDocs(query(collection(ada(), "outbox"), where("uid", "==", "bob"))));
  await assertFails(getDocs(collection(ada(), "outbox")));
});

test("server-only collections are closed even to their subject", async () => {
  for (const closed of [
    "users/ada/sessions/s1",
    "users/ada/devices/d1",
    "users/ada/friends/bob",
    "challenges/c1",
    "boards/all/entries/ada",
    "webhook_endpoints/wh1",
    "league_members/2026-W49:ada",
    "rate_limits/ip:1.2.3.4",
    "friend_streaks/fs1",
    "analytics/2026-11-21/shards/s00",
  ]) {
    await assertFails(getDoc(doc(ada(), closed)));
  }
});

test("no client writes anything, not even its own documents", async () => {
  for (const own of ["users/ada", "streaks/ada", "users/ada/days/2026-11-22", "users/ada/sessions/s2"]) {
    await assertFails(setDoc(doc(ada(), own), { hacked: true }));
  }
  await assertFails(deleteDoc(doc(ada(), "streaks/ada")));
});

test("a visitor without a token reads and writes nothing", async () => {
  const visitor = env.unauthenticatedContext().firestore();
  for (const any of ["users/ada", "streaks/ada", "users/ada/days/2026-11-21"]) {
    await assertFails(getDoc(doc(visitor, any)));
  }
  await assertFails(setDoc(doc(visitor, "users/eve"), { name: "Eve" }));
});
