// Sign-in with the Firebase JS SDK: the same accounts and ID tokens as the mobile app.
import { initializeApp } from "firebase/app";
import {
  type Auth,
  type User,
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  getAuth,
  GoogleAuthProvider,
  onAuthStateChanged,
  signInWithEmailAndPassword,
  signInWithPopup,
  signOut,
} from "firebase/auth";
import type { WebConfig } from "./config";

let auth: Auth | undefined;

export function startAuth(config: WebConfig): Auth {
  const app = initializeApp({ apiKey: config.apiKey, authDomain: config.authDomain, projectId: config.projectId });
  auth = getAuth(app);
  if (config.authEmulatorUrl) connectAuthEmulator(auth, config.authEmulatorUrl, { disableWarnings: true });
  return auth;
}

function current(): Auth {
  if (!auth) throw new Error("startAuth() first");
  return auth;
}

export function watchUser(listener: (user: User | null) => void): () => void {
  return onAuthStateChanged(current(), listener);
}

export async function idToken(): Promise<string | null> {
  const user = current().currentUser;
  return user ? user.getIdToken() : null;
}

export function currentUid(): string | null {
  return current().currentUser?.uid ?? null;
}

export async function signInWithPassword(email: string, password: string, create: boolean): Promise<void> {
  const how = create ? createUserWithEmailAndPassword : signInWithEmailAndPassword;
  await how(current(), email, password);
}

export async function signInWithGoogle(): Promise<void> {
  await signInWithPopup(current(), new GoogleAuthProvider());
}

export async function signOutUser(): Promise<void> {
  await signOut(current());
}
