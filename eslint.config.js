// Lint rules: typescript-eslint's type-aware recommended set, plus the architecture's import rules.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".stack/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["eslint.config.js"] } },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "@typescript-eslint/consistent-type-imports": "error",
      // node:test's describe/it return promises the runner itself tracks.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            {
              from: "package",
              package: "node:test",
              name: ["describe", "it", "test", "before", "after", "beforeEach", "afterEach"],
            },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration in src/platform/config.ts only." },
      ],
    },
  },
  {
    // The dashboard: plain browser ES modules (no build step), linted without type information.
    files: ["web/**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { project: false, projectService: false, program: null },
      sourceType: "module",
      globals: Object.fromEntries(
        [
          "window",
          "document",
          "location",
          "history",
          "navigator",
          "fetch",
          "sessionStorage",
          "confirm",
          "setTimeout",
          "clearTimeout",
          "AbortController",
          "TextDecoder",
          "console",
          "URL",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
  {
    // Configuration is read from the environment in exactly one place; tests and benchmarks pass the environment on to the processes they start.
    files: ["src/platform/config.ts", "test/**", "bench/**", "**/*.test.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Pure code does no I/O and knows nothing of adapters or services.
    files: [
      "src/domain/**",
      "src/radio/**",
      "src/srsran/**",
      "src/placement/**",
      "src/offline/**",
      "src/preflight/**",
      "src/k8s/render/**",
    ],
    ignores: ["**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "net", "http", "https", "child_process"],
              message: "Pure code does no I/O.",
            },
            {
              group: ["**/store/**", "**/bus/**", "**/services/**", "**/k8s/cluster/**", "**/platform/**"],
              message: "Pure code depends on nothing outside the pure layers.",
            },
            { group: ["mongodb", "rabbitmq-client", "fastify", "pino"], message: "Pure code does no I/O." },
            // Kubernetes object types are welcome; the client that talks to a cluster is not.
            { group: ["@kubernetes/client-node"], allowTypeImports: true, message: "Pure code does no I/O." },
          ],
        },
      ],
    },
  },
  {
    // The pure layers in order: radio (bands, identities, fronthaul) at the bottom, the domain on it,
    // then placement, srsRAN configs, manifests, preflight and offline rendering on both.
    files: ["src/radio/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "**/domain/**",
                "**/placement/**",
                "**/srsran/**",
                "**/k8s/**",
                "**/preflight/**",
                "**/offline/**",
              ],
              message: "radio is the bottom layer: it imports no other layer.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/domain/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/placement/**", "**/srsran/**", "**/k8s/**", "**/preflight/**", "**/offline/**"],
              message: "The domain builds on radio only.",
            },
          ],
        },
      ],
    },
  },
  {
    // Adapters never import services.
    files: ["src/store/**", "src/bus/**", "src/k8s/**", "src/platform/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["**/services/**", "**/cli/**"], message: "Adapters never import services." }],
        },
      ],
    },
  },
  {
    // Services talk over RabbitMQ and HTTP, never by importing each other.
    files: ["src/services/api/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/services/{orchestrator,worker,status}/**"],
              message: "Services talk over RabbitMQ and HTTP.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/services/orchestrator/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/services/{api,worker,status}/**"],
              message: "Services talk over RabbitMQ and HTTP.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/services/worker/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/services/{api,orchestrator,status}/**"],
              message: "Services talk over RabbitMQ and HTTP.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/services/status/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/services/{api,orchestrator,worker}/**"],
              message: "Services talk over RabbitMQ and HTTP.",
            },
          ],
        },
      ],
    },
  },
);
