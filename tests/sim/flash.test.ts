/**
 * `bareheap flash` for real, offline and without a board: it runs the pinned
 * `devs flash`, which here cannot download firmware (no network: the
 * download fails fast) and finds no device. Each case checks the one
 * paragraph people get instead of devs's raw stack trace, and the exit code.
 * Each run starts in a scratch directory, where DeviceScript's firmware
 * cache (.devicescript/cache/) is empty, so the download is really tried.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, test } from "vitest"
import { BAREHEAP, ROOT } from "../helpers/firmware_stream"

const dir = mkdtempSync(join(tmpdir(), "bareheap-flash-"))
writeFileSync(join(dir, "devsconfig.json"), "{}")
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// tsx finds the "@devicescript/core" alias in the tsconfig of the working directory: outside the repository, name it.
const env = { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, "tsconfig.json") }
const flash = (...args: string[]) => spawnSync(process.execPath, [BAREHEAP, "flash", ...args], { encoding: "utf8", cwd: dir, env, timeout: 60_000 })

describe("bareheap flash, offline and with no board", () => {
    test("pico: the download fails → one paragraph: the URL tried, --file, the cache; no stack trace", () => {
        const r = flash("--board", "pico")
        expect(r.status).toBe(1)
        expect(r.stdout).toContain("DeviceScript board pico: devs flash --board pico --once")
        const url = "https://github.com/microsoft/devicescript-pico/releases/latest/download/devicescript-rp2040-pico.uf2"
        const paragraph = r.stderr.trim()
        expect(paragraph.split("\n")).toHaveLength(1)
        expect(paragraph).toContain(`could not download DeviceScript's firmware for pico (DeviceScript board pico) from ${url}`)
        expect(paragraph).toContain("`bareheap flash --board pico --file <path>/devicescript-rp2040-pico.uf2`")
        expect(paragraph).toContain(".devicescript/cache/devicescript-rp2040-pico.uf2")
        expect(paragraph).toContain("younger than 24 h")
        expect(r.stdout + r.stderr).not.toMatch(/node:internal|TypeError: fetch failed|at async/)
    }, 60_000)

    test("pico_w with a firmware file: no download, no board in bootloader mode → what to do", () => {
        writeFileSync(join(dir, "fw.uf2"), "not really a firmware")
        const r = flash("--board", "pico_w", "--file", join(dir, "fw.uf2"))
        expect(r.status).toBe(1)
        expect(r.stdout).not.toContain("fetch http")
        expect(r.stderr.trim()).toMatch(/^bareheap flash: no RP2040 board in bootloader mode found\. Hold BOOTSEL while plugging the pico_w in: .* --drive <dir>\.$/)
    }, 60_000)

    test("esp32s3: no serial port → what to do; unknown boards are usage errors", () => {
        const r = flash("--board", "esp32s3")
        expect(r.status).toBe(1)
        expect(r.stdout).toContain("DeviceScript board esp32s3_bare")
        expect(r.stderr.trim()).toMatch(/^bareheap flash: no ESP32 serial port found\. .*--port <path>\.$/)
        const bad = flash("--board", "esp8266")
        expect(bad.status).toBe(2)
        expect(bad.stderr).toContain('unknown board "esp8266"; boards: pico, pico_w, esp32, esp32c3, esp32s2, esp32s3')
        const other = flash("--board", "pico", "--devs-board", "esp32_bare")
        expect(other.status).toBe(2)
        expect(other.stderr).toContain('"esp32_bare" is not a DeviceScript board of pico; choose one of: pico, kittenbot_nanoscript, msr124, msr59')
    }, 60_000)
})
