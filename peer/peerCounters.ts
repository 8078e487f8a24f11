import { Counter, type Registry } from 'prom-client'
import type { RoomsFileRefusal } from './roomsFile'

const PREFIX = 'meshpad_peer_'

/**
 * The always-on peer's counters of what went wrong at its edges, on its `/metrics` registry: errors
 * from hostile or malformed input (every one, logged or not), refused rooms files by reason, and
 * trims of LevelDB's `LOG`.
 */
export class PeerCounters {
  private readonly errors: Counter<'kind'>
  private readonly suppressed: Counter<'kind'>
  private readonly roomsFileRefused: Counter<'reason'>
  private readonly levelLogTrims: Counter

  constructor(registry: Registry) {
    const registers = [registry]
    this.errors = new Counter({ name: `${PREFIX}errors_total`, help: 'Errors caught at the edges (uncaught errors and rejections from hostile or malformed input, refused reloads), by kind; logged or not.', labelNames: ['kind'], registers })
    this.suppressed = new Counter({ name: `${PREFIX}log_lines_suppressed_total`, help: 'Log lines left out by the rate limit of repeated errors, by kind.', labelNames: ['kind'], registers })
    this.roomsFileRefused = new Counter({ name: `${PREFIX}rooms_file_refused_total`, help: 'Reads of the rooms file refused (mode, owner, unreadable, not a file), at start or on SIGHUP.', labelNames: ['reason'], registers })
    this.levelLogTrims = new Counter({ name: `${PREFIX}level_log_trims_total`, help: "Times LevelDB's LOG file was emptied for passing its cap.", registers })
    for (const kind of ['uncaught', 'unhandled_rejection', 'rooms_file']) {
      this.errors.inc({ kind }, 0)
      this.suppressed.inc({ kind }, 0)
    }
    for (const reason of ['unreadable', 'mode', 'owner', 'not_a_file'] satisfies RoomsFileRefusal[]) this.roomsFileRefused.inc({ reason }, 0)
  }

  /** One error of `kind`; `suppressed`: its log line was left out. */
  error(kind: string, suppressed: boolean): void {
    this.errors.inc({ kind })
    if (suppressed) this.suppressed.inc({ kind })
  }

  roomsFileRefusal(reason: RoomsFileRefusal): void {
    this.roomsFileRefused.inc({ reason })
  }

  levelLogTrimmed(): void {
    this.levelLogTrims.inc()
  }
}
