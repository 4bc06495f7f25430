// The generated dataset of the general SELECT differential suite (database `eng`): several
// measurements with float, integer, boolean and string fields, unicode and escaped names, a second
// retention policy with one-day shard groups, and data over three weekly shard groups. The first
// half is written before the Tidemark snapshot (TSM files), the second half after it (cache),
// including points that overwrite values already in TSM files. Every series has its own second
// offset so no two series share a timestamp (InfluxDB orders equal times across series freely).

import { q, w, type Step } from './diff-runner.js'

export const ENG = 'eng'

/** 2021-03-01T00:00:00Z in seconds. */
export const T0 = 1_614_556_800
const H = 3600

/** A deterministic pseudo-random sequence (LCG). */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0
    return s / 4_294_967_296
  }
}

const CITIES = ['paris', 'Zürich', 'São\\ Paulo']
const STATIONS = ['s1', 's2']

function weatherLines(fromH: number, toH: number, stepH: number): string[] {
  const lines: string[] = []
  let series = 0
  for (const city of CITIES) {
    for (const station of STATIONS) {
      const r = rng(17 + series * 31)
      for (let h = 0; h < toH; h += stepH) {
        const temp = Math.round((r() * 40 - 10) * 100) / 100
        const hum = Math.floor(r() * 100)
        const ok = r() > 0.4
        const k = h / stepH
        if (h < fromH) continue
        const fields: string[] = []
        if (k % 5 !== 3) fields.push(`temp=${temp}`)
        fields.push(`hum=${hum}i`)
        if (k % 3 === 0) fields.push(`ok=${ok}`)
        if (k % 4 === 1) fields.push(`note="n${k % 7}"`)
        lines.push(
          `weather,city=${city},station=${station} ${fields.join(',')} ${T0 + h * H + series * 7}`,
        )
      }
      series++
    }
  }
  return lines
}

function windLines(fromH: number, toH: number): string[] {
  const lines: string[] = []
  let series = 0
  for (const dir of ['n', 's']) {
    const r = rng(101 + series)
    for (let h = 0; h < toH; h += 5) {
      const speed = Math.round(r() * 300) / 10
      const gust = Math.floor(r() * 50)
      if (h < fromH) continue
      lines.push(`wind,dir=${dir} speed=${speed},gust=${gust}i ${T0 + h * H + 100 + series * 11}`)
    }
    series++
  }
  return lines
}

function oddLines(fromH: number, toH: number): string[] {
  const lines: string[] = []
  for (let h = 0; h < toH; h += 12) {
    if (h < fromH) continue
    const v = (h % 7) + 0.5
    lines.push(`odd\\ meas\\,x,k\\ ey=v\\=1,ünï=ç f\\ 1=${v},"q"=${h}i ${T0 + h * H + 200}`)
    lines.push(`odd\\ meas\\,x,k\\ ey=w\\,2 f\\ 1=${v * 2} ${T0 + h * H + 201}`)
  }
  return lines
}

function rp2Lines(fromH: number, toH: number): string[] {
  const lines: string[] = []
  for (let h = 0; h < toH; h += 8) {
    if (h < fromH) continue
    lines.push(`pwr,unit=u1 a=${(h % 13) * 1.5},b=${h % 9}i ${T0 + h * H + 300}`)
    lines.push(`wind,dir=e speed=${h % 17},gust=${h % 5}i ${T0 + h * H + 301}`)
  }
  return lines
}

const HALF = 7 * 24
const ALL = 15 * 24

/** Creates the database and writes the first week (snapshotted to TSM afterwards). */
export function engineFirstWrites(): Step[] {
  return [
    q(`CREATE DATABASE ${ENG}`),
    q(`CREATE RETENTION POLICY rp2 ON ${ENG} DURATION INF REPLICATION 1 SHARD DURATION 1d`),
    w(ENG, [...weatherLines(0, HALF, 3), ...windLines(0, HALF), ...oddLines(0, HALF)].join('\n'), {
      precision: 's',
    }),
    w(ENG, rp2Lines(0, HALF).join('\n'), { precision: 's', rp: 'rp2' }),
  ]
}

/** The second week (left in the cache), and a few overwrites of points already in TSM files. */
export function engineLaterWrites(): Step[] {
  const overwrite = [
    `weather,city=paris,station=s1 temp=99.5,hum=1i ${T0 + 6 * H}`,
    `wind,dir=n speed=0.25 ${T0 + 5 * H + 100}`,
  ]
  return [
    w(
      ENG,
      [...weatherLines(HALF, ALL, 3), ...windLines(HALF, ALL), ...oddLines(HALF, ALL)].join('\n'),
      { precision: 's' },
    ),
    w(ENG, rp2Lines(HALF, ALL).join('\n'), { precision: 's', rp: 'rp2' }),
    w(ENG, overwrite.join('\n'), { precision: 's' }),
  ]
}
