/**
 * sim/flash.ts — `bareheap flash --board <id>`: puts DeviceScript's firmware
 * on a board by running `devs flash`, with our board ids and messages people
 * can act on.
 *
 *   bareheap id ──boards/<id>.ts devsBoards[0] (or --devs-board)──▶ devs flash --board <devs id> --once
 *     pico → pico   pico_w → pico_w   esp32 → esp32_bare   esp32c3 → esp32c3_bare
 *     esp32s2 → esp32s2_bare   esp32s3 → esp32s3_bare
 *
 * devs flash downloads the firmware from the board's release URL, caches it
 * in .devicescript/cache/<basename of the URL> (reused when under 24 h old,
 * @devicescript/cli cli/src/flash.ts fetchFW), then copies it to a Pico's
 * RPI-RP2 drive or runs esptool on an ESP32's serial port. Offline the
 * download dies with a raw `fetch failed … ENOTFOUND` stack trace: this verb
 * prints one paragraph instead (what it tried to download, how to flash a
 * file you have, where the cache is). No board → one clear sentence. devs's
 * other output passes through, escaped; its Node stack traces do not.
 *
 * Deploying bareheap onto the flashed board is the next, separate command:
 * `npx devs devtools src/main.ts --serial` (printed after a successful flash).
 * Exit code: devs's (0 flashed), 1 download or device failure, 2 usage.
 */
import { spawn } from "node:child_process"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { parseArgs } from "node:util"
import { BOARDS } from "../boards/index"
import { escapeText } from "./escape"

const REAL_BOARDS = BOARDS.filter(b => !b.hostOnly)

export const DEPLOY_COMMAND = "npx devs devtools src/main.ts --serial"

const HELP = `Usage: bareheap flash --board <id> [--devs-board <devs id>] [--file <firmware>] [--drive <dir>] [--port <path>] [--wait]

Flashes DeviceScript's firmware (the VM bareheap runs on) onto a board with
\`devs flash\`. Then deploy bareheap onto it with: ${DEPLOY_COMMAND}

  --board <id>            ${REAL_BOARDS.map(b => b.id).join(", ")}
  --devs-board <devs id>  another DeviceScript board id of the same chip (default: the first below)
${REAL_BOARDS.map(b => `                            ${b.id}: ${b.devsBoards.join(", ")}`).join("\n")}
  --file <firmware>       flash this .uf2 (RP2040) or .bin (ESP32) instead of downloading one
  --drive <dir>           RP2040: the RPI-RP2 drive's mount point (default: found under /media/$USER)
  --port <path>           ESP32: the serial port for esptool
  --wait                  wait up to 120 s for the board to appear instead of failing at once
  --help                  this text

DeviceScript caches downloaded firmware in .devicescript/cache/ and reuses a
copy younger than 24 h.`

/** The DeviceScript CLI's entry script, from the installed @devicescript/cli. */
function devsCli(): string {
    const pkg = createRequire(import.meta.url).resolve("@devicescript/cli/package.json")
    return join(dirname(pkg), "devicescript")
}

/** What devs flash's output says went wrong, as one paragraph; null when nothing we recognise. */
export function explainFlashFailure(output: string, board: string, devsBoard: string): string | null {
    const url = /^fetch (https?:\/\/\S+)/m.exec(output)?.[1]
    if (url && /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|getaddrinfo|can't fetch/.test(output)) {
        const base = url.replace(/.*\//, "")
        const cause = /getaddrinfo (\w+) ([\w.-]+)/.exec(output)
        const why = cause ? `${cause[1]} ${cause[2]}: no network or no DNS here` : (/can't fetch: ([^\n]*)/.exec(output)?.[1] ?? "the download failed")
        return (
            `bareheap flash: could not download DeviceScript's firmware for ${board} (DeviceScript board ${devsBoard}) ` +
            `from ${url} (${why}). If you have the firmware file, flash it directly: ` +
            `\`bareheap flash --board ${board} --file <path>/${base}\`. Or put it where DeviceScript looks first: ` +
            `.devicescript/cache/${base} in this directory; a copy there younger than 24 h is used without downloading ` +
            `(\`touch\` it to renew), so the same command then works offline.`
        )
    }
    if (/no drives found/.test(output))
        return (
            `bareheap flash: no RP2040 board in bootloader mode found. Hold BOOTSEL while plugging the ${board} in: ` +
            `it shows up as a USB drive named RPI-RP2 (mounted under /media/$USER/); or give its mount point with --drive <dir>.`
        )
    if (/no viable ports found/.test(output))
        return (
            `bareheap flash: no ESP32 serial port found. Plug the ${board} in with a data cable (hold BOOT/IO0 while ` +
            `plugging it in if it does not appear), check \`bareheap monitor --list\`, or give the port with --port <path>.`
        )
    if (/esptool/i.test(output) && /not found|ENOENT|No module named/i.test(output))
        return `bareheap flash: esptool is missing; install it with \`python3 -m pip install esptool\` (or pass --install), then retry.`
    return null
}

/** `bareheap flash [options]`: returns the exit code. */
export async function main(argv: string[]): Promise<number> {
    let a
    try {
        a = parseArgs({
            args: argv,
            options: {
                board: { type: "string" },
                "devs-board": { type: "string" },
                file: { type: "string" },
                drive: { type: "string" },
                port: { type: "string" },
                wait: { type: "boolean", default: false },
                help: { type: "boolean", default: false },
            },
            strict: true,
        }).values
    } catch (e) {
        console.error(`error: ${escapeText((e as Error).message, 300)}\n\n${HELP}`)
        return 2
    }
    if (a.help) {
        console.log(HELP)
        return 0
    }
    const board = REAL_BOARDS.find(b => b.id === a.board)
    if (!board) {
        const what = a.board === undefined ? "--board is required" : `unknown board "${escapeText(a.board, 40)}"`
        console.error(`error: ${what}; boards: ${REAL_BOARDS.map(b => b.id).join(", ")}\n\n${HELP}`)
        return 2
    }
    const devsBoard = a["devs-board"] ?? board.devsBoards[0]
    if (!board.devsBoards.includes(devsBoard)) {
        console.error(`error: "${escapeText(devsBoard, 40)}" is not a DeviceScript board of ${board.id}; choose one of: ${board.devsBoards.join(", ")}`)
        return 2
    }
    const args = [devsCli(), "--no-colors", "flash", "--board", devsBoard]
    if (!a.wait) args.push("--once")
    if (a.file !== undefined) args.push("--file", a.file)
    if (a.drive !== undefined) args.push("--drive", a.drive)
    if (a.port !== undefined) args.push("--port", a.port)
    console.log(`bareheap flash: ${board.name} → DeviceScript board ${devsBoard}: devs flash --board ${devsBoard}${a.wait ? "" : " --once"}${a.file !== undefined ? " --file " + escapeText(a.file, 200) : ""}`)

    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    let inTrace = false
    const fatal: string[] = []
    let pending = ""
    const take = (s: string) => {
        output += s
        pending += s
        const lines = pending.split("\n")
        pending = lines.pop() ?? ""
        for (const line of lines) {
            // A Node stack trace starts at "node:internal/…:N" or "/path/file.cjs:N": the rest is for developers, not printed.
            if (/^(node:internal\/\S+|\/\S+\.c?js):\d+$/.test(line)) inTrace = true
            // devs's "fatal error: …" lines are held back: explainFlashFailure says the same, with what to do.
            if (line.startsWith("fatal error:")) fatal.push(line)
            else if (!inTrace && !line.startsWith("using devs:")) process.stdout.write(escapeText(line, 1000) + "\n")
        }
    }
    child.stdout.setEncoding("utf8").on("data", take)
    child.stderr.setEncoding("utf8").on("data", take)
    const code = await new Promise<number>(resolve => {
        child.on("error", e => {
            output += String(e)
            resolve(1)
        })
        child.on("close", c => resolve(c ?? 1))
    })
    take(pending + "\n")
    const explained = explainFlashFailure(output, board.id, devsBoard)
    if (code === 0 && explained === null) {
        console.log(`bareheap flash: done. Deploy bareheap onto the board and watch its log: ${DEPLOY_COMMAND}`)
        return 0
    }
    if (explained === null) for (const l of fatal) console.error(escapeText(l, 1000))
    console.error(explained ?? `bareheap flash: devs flash failed (exit code ${code}); its output is above.`)
    return 1
}
