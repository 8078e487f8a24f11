import { rm, stat, truncate } from 'node:fs/promises'
import { join } from 'node:path'

/** The largest LevelDB `LOG` file kept (bytes on disk). */
export const MAX_LEVEL_LOG_BYTES = 1024 * 1024

/**
 * Keeps LevelDB's own info log (`LOG` in the data directory) small: removes `LOG.old` (the previous
 * run's log, which LevelDB keeps at every open) and empties `LOG` once it passes `maxBytes`.
 * Returns whether it emptied `LOG`.
 *
 * classic-level (LevelDB 1.20) has no option to turn the info log off or to bound it:
 * `maxFileSize` bounds table files, not `LOG`. LevelDB keeps writing `LOG` at its own offset after
 * the file is emptied, so the file becomes sparse: its apparent size (`ls -l`) may come back, its
 * blocks on disk do not (`du`); the check is on blocks. A peer that compacts a lot writes a few
 * hundred bytes per compaction there; without a cap it grows for as long as the peer runs.
 */
export async function capLevelLog(dir: string, maxBytes: number = MAX_LEVEL_LOG_BYTES): Promise<boolean> {
  await rm(join(dir, 'LOG.old'), { force: true })
  const log = join(dir, 'LOG')
  let onDisk: number
  try {
    const stats = await stat(log)
    onDisk = Math.min(stats.size, stats.blocks * 512)
  } catch {
    return false
  }
  if (onDisk <= maxBytes) return false
  await truncate(log, 0)
  return true
}
