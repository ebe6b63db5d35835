/**
 * boards/index.ts — every board bareheap knows, validated when this module loads.
 *
 * Invariants (checked at load; a broken one throws BoardError before any
 * firmware code runs):
 *   - every board passes validateBoard (boards/validate.ts);
 *   - board ids are unique, and so are archIds, so boardById and boardForArch
 *     each name at most one board;
 *   - DEFAULT_BOARD_ID names a board.
 *
 * Lookups: boardById for `--board <id>`, boardForArch for what the running
 * firmware sees (`ds._dcfgString("archId")`). The DeviceScript simulator
 * reports "wasm"; it runs the same 64 KiB program heap as the boards, so it
 * maps to the default board, the Pico. Cost: a linear scan of ~7 boards.
 */
import { Board } from "./board"
import { BoardError, validateBoard } from "./validate"
import { PICO } from "./pico"
import { PICO_W } from "./pico_w"
import { ESP32 } from "./esp32"
import { ESP32C3 } from "./esp32c3"
import { ESP32S2 } from "./esp32s2"
import { ESP32S3 } from "./esp32s3"
import { HOST } from "./host"

/** The board used when none is named, and in DeviceScript's WASM simulator. */
export const DEFAULT_BOARD_ID = "pico"

/** archId of DeviceScript's WASM simulator (`ds._dcfgString("archId")` there). */
export const WASM_ARCH_ID = "wasm"

/**
 * Validates each board and the table's own invariants (unique ids and
 * archIds, DEFAULT_BOARD_ID present); returns the table.
 *
 * ```ts
 * validateBoardTable([PICO, PICO]) // throws BoardError: board "pico": id is used by another board
 * ```
 */
export function validateBoardTable(list: Board[]): Board[] {
    for (let i = 0; i < list.length; i++) {
        const b = validateBoard(list[i])
        for (let j = 0; j < i; j++) {
            if (list[j].id === b.id) throw new BoardError('board "' + b.id + '": id is used by another board')
            if (list[j].archId === b.archId)
                throw new BoardError('board "' + b.id + '": archId "' + b.archId + '" is also board "' + list[j].id + '"\'s')
        }
    }
    let found = false
    for (let i = 0; i < list.length; i++) if (list[i].id === DEFAULT_BOARD_ID) found = true
    if (!found) throw new BoardError('board "' + DEFAULT_BOARD_ID + '": DEFAULT_BOARD_ID names no board')
    return list
}

/**
 * All boards, validated at load, real boards first.
 *
 * ```ts
 * for (const b of BOARDS) console.log(b.id, hex(b.heap.base), b.heap.size)
 * ```
 */
export const BOARDS: Board[] = validateBoardTable([PICO, PICO_W, ESP32, ESP32C3, ESP32S2, ESP32S3, HOST])

/** "pico, pico_w, …": the ids, for error messages. */
function knownIds(): string {
    let s = ""
    for (let i = 0; i < BOARDS.length; i++) s += (i > 0 ? ", " : "") + BOARDS[i].id
    return s
}

/**
 * The board with bareheap id `id`; BoardError listing the known ids otherwise.
 *
 * ```ts
 * boardById("pico").heap.base === 0x20020000
 * boardById("uno") // throws BoardError: board "uno": unknown id; known ids: pico, pico_w, …
 * ```
 */
export function boardById(id: string): Board {
    for (let i = 0; i < BOARDS.length; i++) if (BOARDS[i].id === id) return BOARDS[i]
    throw new BoardError('board "' + id + '": unknown id; known ids: ' + knownIds())
}

/**
 * The board for a DeviceScript archId ("rp2040", "esp32s2", …). "wasm", the
 * DeviceScript simulator, maps to the default board (pico). Any other unknown
 * arch is a BoardError naming it: guessing a memory map would print wrong
 * addresses.
 *
 * ```ts
 * boardForArch(ds._dcfgString("archId")).id // "pico" in the simulator
 * boardForArch("esp32s2").heap.size === 16384
 * ```
 */
export function boardForArch(archId: string): Board {
    if (archId === WASM_ARCH_ID) return boardById(DEFAULT_BOARD_ID)
    let archs = WASM_ARCH_ID
    for (let i = 0; i < BOARDS.length; i++) {
        if (BOARDS[i].archId === archId) return BOARDS[i]
        archs += ", " + BOARDS[i].archId
    }
    throw new BoardError('arch "' + archId + '": no board has this archId; known archIds: ' + archs)
}
