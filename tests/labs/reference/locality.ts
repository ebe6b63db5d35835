/** Reference for lab 6 (tests only; see README.md here). */
import { HeapAllocator } from "../../../src/api/global_alloc"
import { Layout } from "../../../src/core/layout"

export function distinctLines(addresses: number[], lineBytes: number): number {
    return new Set(addresses.map(a => Math.floor(a / lineBytes))).size
}

export function meanDistance(ptrs: number[]): number {
    let sum = 0
    for (let i = 1; i < ptrs.length; i++) sum += Math.abs(ptrs[i] - ptrs[i - 1])
    return ptrs.length < 2 ? 0 : sum / (ptrs.length - 1)
}

export function valuesLayoutLines(heap: HeapAllocator, n: number): number {
    const l = Layout.fromSizeAlign(n * 4, 4)
    const p = heap.alloc(l)
    const lines = distinctLines(Array.from({ length: n }, (_, i) => p + 4 * i), 32)
    heap.dealloc(p, l)
    return lines
}

export function boxesLayoutLines(heap: HeapAllocator, n: number): number {
    const arr = Layout.fromSizeAlign(n * 4, 4)
    const box = Layout.fromSizeAlign(4, 4)
    const a = heap.alloc(arr)
    const boxes = Array.from({ length: n }, () => heap.alloc(box))
    const lines = distinctLines([...Array.from({ length: n }, (_, i) => a + 4 * i), ...boxes], 32)
    for (const b of boxes) heap.dealloc(b, box)
    heap.dealloc(a, arr)
    return lines
}
