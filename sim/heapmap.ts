/**
 * sim/heapmap.ts — the host viewer's text renderings: a board's memory map
 * with the heap region placed in it, and a heap map of blocks (from the event
 * stream's shadow model or from an allocator's own walk).
 *
 * A heap map draws ONE region (a multi-region heap gets one map per region,
 * sim/viewer.ts: the holes between regions are not memory of the heap).
 * It is rows of cells, each cell standing for `cellBytes` of the
 * region. A cell is drawn by what covers most of it: live blocks ('#' the
 * whole cell, '+' part of it), the allocator's own metadata ('=' whole,
 * '-' part: headers, free lists, bitmaps; sim/heapmeta.ts finds them) or
 * nothing ('.' free). Rendering costs O(cells + blocks + metadata extents).
 *
 * The addresses are a model: on a board the region is a ds.Buffer inside
 * DeviceScript's program heap, and the map places it where a native heap of
 * that size would sit in the chip's data RAM (boards/*.ts say where).
 */
import { Board } from "../boards/board"

export interface MapBlock {
    ptr: number
    size: number
}

const hex8 = (n: number) => "0x" + n.toString(16).padStart(8, "0")

/** Human size: "32 KiB", "512 B", "2 MiB". */
export function sizeText(n: number): string {
    if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MiB`
    if (n >= 1024 && n % 1024 === 0) return `${n >> 10} KiB`
    return `${n} B`
}

/**
 * The board's memory regions in address order, with the heap region marked in the one that holds it;
 * given a multi-region stream's `heapRegions` (sim/regions.ts), each of them in the memory that holds
 * its base instead of the board's single heap.
 */
export function renderMemoryMap(board: Board, heapRegions?: { index: number; base: number; size: number }[]): string {
    const lines = [
        `${board.name} (${board.chip}) memory map — DeviceScript program heap ${sizeText(board.programHeap)}`,
        `  (modelled: on the board the region is a ds.Buffer inside DeviceScript's program heap; the addresses show where such a region sits in data RAM)`,
    ]
    for (const m of [...board.memory].sort((a, b) => a.base - b.base)) {
        lines.push(`  ${hex8(m.base)}–${hex8(m.base + m.size - 1)}  ${sizeText(m.size).padStart(8)}  ${m.kind.padEnd(6)} ${m.name}`)
        if (heapRegions !== undefined) {
            for (const r of heapRegions)
                if (r.base >= m.base && r.base < m.base + m.size)
                    lines.push(`    └ heap region ${r.index} ${hex8(r.base)}–${hex8(r.base + r.size - 1)}  ${sizeText(r.size)} at offset 0x${(r.base - m.base).toString(16)} of ${m.name}`)
        } else if (m.name === board.heap.region) {
            const h = board.heap
            lines.push(`    └ heap ${hex8(h.base)}–${hex8(h.base + h.size - 1)}  ${sizeText(h.size)} at offset 0x${(h.base - m.base).toString(16)} of ${m.name}`)
        }
        const st = board.stack
        if (st && m.name === st.region)
            lines.push(`    └ C stack ${st.base === null ? "(placed at run time)" : `${hex8(st.base)}–${hex8(st.base + st.size - 1)}`}  ${sizeText(st.size)}`)
    }
    lines.push(`  heap size: ${board.heap.why}`)
    if (board.stack) lines.push(`  C stack: ${board.stack.source}`)
    return lines.join("\n")
}

/** Bytes of each cell covered by `blocks` (clipped to the region). */
function coverage(base: number, size: number, cellBytes: number, blocks: MapBlock[]): number[] {
    const bytes = new Array<number>(Math.ceil(size / cellBytes)).fill(0)
    for (const b of blocks) {
        let p = Math.max(0, b.ptr - base)
        const end = Math.min(size, b.ptr - base + Math.max(1, b.size))
        while (p < end) {
            const cell = Math.floor(p / cellBytes)
            const cellEnd = Math.min(end, (cell + 1) * cellBytes)
            bytes[cell] += cellEnd - p
            p = cellEnd
        }
    }
    return bytes
}

/** The legend line under every heap map. */
export function heapMapLegend(cellBytes: number): string {
    return `  (one cell = ${cellBytes} B; '#' used, '+' partly used, '=' allocator metadata, '-' partly metadata, '.' free)`
}

/**
 * Text heap map of [base, base + size) given the used blocks and the
 * allocator's metadata extents (any order; sim/heapmeta.ts). `width` cells
 * per row; the cell size is chosen so the map has ≤ `maxRows` rows.
 */
export function renderHeapMap(base: number, size: number, used: MapBlock[], width = 64, maxRows = 8, meta: MapBlock[] = []): string {
    let cellBytes = 16
    while (Math.ceil(size / cellBytes) > width * maxRows) cellBytes *= 2
    const cells = Math.ceil(size / cellBytes)
    const usedBytes = coverage(base, size, cellBytes, used)
    const metaBytes = coverage(base, size, cellBytes, meta)
    const rows: string[] = []
    for (let r = 0; r * width < cells; r++) {
        let line = ""
        for (let c = r * width; c < Math.min(cells, (r + 1) * width); c++) {
            const full = Math.min(cellBytes, size - c * cellBytes)
            const u = usedBytes[c]
            const m = Math.min(metaBytes[c], full - Math.min(u, full))
            if (u === 0 && m === 0) line += "."
            else if (u >= m) line += u + m >= full ? "#" : "+"
            else line += u + m >= full ? "=" : "-"
        }
        rows.push(`  ${hex8(base + r * width * cellBytes)} ${line}`)
    }
    rows.push(heapMapLegend(cellBytes))
    return rows.join("\n")
}
