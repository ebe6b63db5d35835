/** Reference for lab 3 (tests only; see README.md here). */
import { BlockVisitor, HeapAllocator } from "../../../src/api/global_alloc"
import { TlsfAllocator } from "../../../src/allocators/tlsf"
import { ptrText } from "../../../src/core/hex"
import { Layout } from "../../../src/core/layout"
import { StaticRegion } from "../../../src/core/region"
import { HeapStats } from "../../../src/core/stats"

export class LoggingAllocator implements HeapAllocator {
    readonly kind: string = "lab-logging"
    readonly inner: HeapAllocator
    printed: string[] = []
    constructor(readonly region: StaticRegion) {
        this.inner = new TlsfAllocator(region)
    }
    print(line: string): void {
        this.printed.push(line)
    }
    alloc(layout: Layout): number {
        this.print("Allocating " + layout.size + " bytes")
        return this.inner.alloc(layout)
    }
    allocZeroed(layout: Layout): number {
        this.print("Allocating " + layout.size + " bytes")
        return this.inner.allocZeroed(layout)
    }
    dealloc(ptr: number, layout: Layout): void {
        this.inner.dealloc(ptr, layout)
    }
    realloc(ptr: number, layout: Layout, newSize: number): number {
        return this.inner.realloc(ptr, layout, newSize)
    }
    stats(): HeapStats {
        return this.inner.stats()
    }
    check(): string[] {
        return this.inner.check()
    }
    walk(visit: BlockVisitor): void {
        this.inner.walk(visit)
    }
}

export class CountingAllocator extends LoggingAllocator {
    private live: { ptr: number; size: number }[] = []
    override alloc(layout: Layout): number {
        const p = super.alloc(layout)
        if (p !== 0) this.live.push({ ptr: p, size: layout.size })
        return p
    }
    override allocZeroed(layout: Layout): number {
        const p = super.allocZeroed(layout)
        if (p !== 0) this.live.push({ ptr: p, size: layout.size })
        return p
    }
    override dealloc(ptr: number, layout: Layout): void {
        super.dealloc(ptr, layout)
        this.live = this.live.filter(b => b.ptr !== ptr)
    }
    override realloc(ptr: number, layout: Layout, newSize: number): number {
        const q = super.realloc(ptr, layout, newSize)
        if (q !== 0) this.live = this.live.map(b => (b.ptr === ptr ? { ptr: q, size: newSize } : b))
        return q
    }
    leaks(): string[] {
        return this.live.map(b => "leak: " + b.size + " bytes at " + ptrText(b.ptr))
    }
}
