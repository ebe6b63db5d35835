/**
 * sim/firmware_options.ts — the options that choose how the firmware runs,
 * shared by `bareheap start` (host simulator) and `bareheap vm` (WASM VM) so
 * both take the same flags with the same checks and the same messages:
 *
 *   --board <id>  --allocator <kind>  --debug off|light|full  --track  --stats-every <n>
 *
 * Boards are the real ones (not the host-only board); allocator kinds are
 * registry.ts's HEAP_KINDS, so a kind added there is accepted here.
 */
import { Board } from "../boards/board"
import { BOARDS, DEFAULT_BOARD_ID } from "../boards/index"
import { ALLOCATOR_KINDS, HEAP_KINDS, DEFAULT_ALLOCATOR } from "../src/allocators/registry"
import { DebugLevel } from "../src/layers/debug"
import { OptionSpecs, Parsed, UsageError } from "../cli/args"
import { quote } from "../cli/escape"

export const REAL_BOARDS = BOARDS.filter(b => !b.hostOnly)

export const DEBUG_LEVELS: Record<string, DebugLevel> = { off: DebugLevel.Off, light: DebugLevel.Light, full: DebugLevel.Full }

export const FIRMWARE_OPTIONS: OptionSpecs = {
    board: { type: "string", default: DEFAULT_BOARD_ID },
    allocator: { type: "string", default: DEFAULT_ALLOCATOR },
    debug: { type: "string", default: "off" },
    track: { type: "boolean" },
    "stats-every": { type: "string", default: "16" },
}

/** Help lines for FIRMWARE_OPTIONS. */
export const FIRMWARE_HELP = `  --board <id>         ${REAL_BOARDS.map(b => b.id).join(", ")} (default ${DEFAULT_BOARD_ID})
  --allocator <kind>   ${HEAP_KINDS.join(", ")} (default ${DEFAULT_ALLOCATOR})
  --debug <level>      off, light (canaries) or full (canaries, fill patterns, quarantine); default off
  --track              track live blocks by container kind and send a leak report at the end
  --stats-every <n>    a stats line after every n events (default 16; 0 = at phase ends only)`

/** How the firmware runs, checked. */
export interface FirmwareChoice {
    board: Board
    allocator: string
    debugName: string
    debug: DebugLevel
    track: boolean
    statsEvery: number
}

/** The firmware choice in parsed options; a UsageError names the bad value and the accepted ones. */
export function firmwareChoice(p: Parsed): FirmwareChoice {
    const id = p.string("board") ?? DEFAULT_BOARD_ID
    const board = REAL_BOARDS.find(b => b.id === id)
    if (!board) throw new UsageError(`unknown board ${quote(id)}; known boards: ${REAL_BOARDS.map(b => b.id).join(", ")}`)
    const allocator = p.string("allocator") ?? DEFAULT_ALLOCATOR
    if (!HEAP_KINDS.includes(allocator)) throw new UsageError(`unknown allocator ${quote(allocator)}; known allocators: ${HEAP_KINDS.join(", ")}`)
    const debugName = p.string("debug") ?? "off"
    if (!Object.prototype.hasOwnProperty.call(DEBUG_LEVELS, debugName))
        throw new UsageError(`unknown debug level ${quote(debugName)}; known levels: ${Object.keys(DEBUG_LEVELS).join(", ")}`)
    // The debug layer links its canaries through one region's bytes (debug.ts): system's and multi's are not.
    if (debugName !== "off" && !ALLOCATOR_KINDS.includes(allocator))
        throw new UsageError(`--debug ${debugName} needs an allocator over one region (${ALLOCATOR_KINDS.join(", ")}); ${allocator}'s blocks are not one region's bytes (use --track)`)
    const every = p.string("stats-every") ?? "16"
    const statsEvery = /^\d+$/.test(every) ? Number(every) : NaN
    if (!Number.isSafeInteger(statsEvery)) throw new UsageError(`--stats-every must be a whole number ≥ 0, not ${quote(every)}`)
    return { board, allocator, debugName, debug: DEBUG_LEVELS[debugName], track: p.flag("track"), statsEvery }
}
