/**
 * bench/stream.ts — what the event stream costs on the wire for real
 * workloads: each MCU trace replayed through LoggingAllocator (protocol v2,
 * every kind of line on, no periodic stats) over an allocator on the pico's
 * region, counting the bytes each line takes on a serial link ("> " prefix,
 * the text, "\n").
 *
 * Reported per trace: event lines (A, Z, F, R, X), mean bytes per event line
 * on the wire, and the sustained event rate a 115200-baud UART allows
 * (8N1: 10 bits a byte → 11,520 bytes/s ÷ mean bytes per line). The seq
 * field grows one hex digit every ×16 lines, so long traces have longer lines
 * than the demo (docs/protocol.md, "Byte budget").
 *
 * Deterministic: it counts bytes, it does not time anything.
 */
import { boardById } from "../boards/index"
import { makeAllocator } from "../src/allocators/registry"
import { LoggingAllocator } from "../src/layers/logging"
import { StaticRegion } from "../src/core/region"
import { replay, ReplayOptions } from "./replay"
import { mcuTrace } from "./trace/windows"

/** Bytes per second of a 115200-baud 8N1 UART. */
export const UART_BYTES_PER_S = 11520

export interface StreamCost {
    trace: string
    eventLines: number
    /** mean bytes per event line on the wire, "> " and "\n" included */
    meanEventBytes: number
    maxEventBytes: number
    /** event lines per second at 115200 baud */
    eventsPerSecond: number
}

/** The stream cost of replaying `traceName` with `kind` on the pico's region. */
export async function streamCost(traceName: string, kind: string): Promise<StreamCost> {
    let lines = 0
    let bytes = 0
    let max = 0
    const emit = (line: string) => {
        const c = line.charCodeAt(1)
        // A Z F R X: the events of allocation calls.
        if (c === 65 || c === 90 || c === 70 || c === 82 || c === 88) {
            const n = line.length + 3
            lines++
            bytes += n
            if (n > max) max = n
        }
    }
    const heap = new LoggingAllocator(makeAllocator(kind, StaticRegion.forBoard(boardById("pico"))), "pico", { emit })
    const o = new ReplayOptions()
    o.verify = false
    await replay(heap, mcuTrace(traceName), o)
    const mean = lines === 0 ? 0 : bytes / lines
    return { trace: traceName, eventLines: lines, meanEventBytes: mean, maxEventBytes: max, eventsPerSecond: mean === 0 ? 0 : UART_BYTES_PER_S / mean }
}
