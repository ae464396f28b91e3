// The dashboard's build, and `vite preview` serving it locally as Firebase Hosting serves it in production.
import type { Plugin } from "vite";
import { defineConfig } from "vite";

// Set by devstack (devstack/stack.py) when it starts the preview server next to the emulators.
const apiUrl = process.env.DASHBOARD_API_URL ?? "http://127.0.0.1:8080";
const projectId = process.env.DASHBOARD_PROJECT_ID ?? "demo-focus-streaks";
const authEmulator = process.env.DASHBOARD_AUTH_EMULATOR_URL;

/** Firebase Hosting answers `/__/firebase/init.json` with the project's web config; locally we do, adding
 * where the Auth emulator listens so the app connects to it instead of production. */
function firebaseInitJson(): Plugin {
  const body = JSON.stringify({
    projectId,
    apiKey: "demo-api-key",
    authDomain: `${projectId}.firebaseapp.com`,
    ...(authEmulator ? { authEmulatorUrl: authEmulator } : {}),
  });
  return {
    name: "firebase-init-json",
    configurePreviewServer(server) {
      server.middlewares.use("/__/firebase/init.json", (_request, response) => {
        response.setHeader("Content-Type", "application/json");
        response.setHeader("Cache-Control", "no-store");
        response.end(body);
      });
    },
  };
}

// The same rewrites as firebase.json's `hosting` section: the API and the public share pages.
const rewrites = {
  "/v1": { target: apiUrl, changeOrigin: true },
  "/s/": { target: apiUrl, changeOrigin: true },
};

export default defineConfig({
  plugins: [firebaseInitJson()],
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 400 },
  preview: { proxy: rewrites, strictPort: true },
});
