import * as ds from "@devicescript/core"
import { Layout } from "./layout"
import { StaticRegion } from "./region"
import { setGlobalAllocator, alloc } from "./global_alloc"
import { hex } from "./hex"
import { HeapStats } from "./stats"
const r = new StaticRegion(0x20020000, 4096)
r.writeU32(0x20020008, 0xdeadbeef)
console.log(hex(r.readU32(0x20020008)))
const s = new HeapStats()
console.log(s.problems().length)
const l = Layout.fromSizeAlign(1, 1).extend(Layout.scalar(4))
console.log(l.offset, l.layout.size)
