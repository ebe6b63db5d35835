import { defineConfig } from "vitest/config"
import { fileURLToPath } from "node:url"
import { SummaryReporter } from "./tests/summary_reporter.ts"

export default defineConfig({
    resolve: {
        alias: { "@devicescript/core": fileURLToPath(new URL("./sim/core.ts", import.meta.url)) },
    },
    test: {
        include: ["tests/**/*.test.ts"],
        reporters: ["default", new SummaryReporter()],
        testTimeout: 120_000,
        hookTimeout: 120_000,
    },
})
