// Go's sort.Sort as built into influxd 1.6.7 (Go 1.19: pattern-defeating quicksort, insertion
// sort for 12 elements or fewer, heapsort after too many bad pivots). It is not stable, and
// InfluxDB's selectors (percentile, mode) pick among points of equal value by where this exact
// algorithm leaves them, so we run the same steps with the same thresholds over the same Less.

/** A strict "less than" over two elements, as Go's sort.Interface Less. */
export type Less<T> = (a: T, b: T) => boolean

const MAX_INSERTION = 12
const SHORTEST_NINTHER = 50
const MAX_SWAPS = 12
const UNKNOWN = 0
const INCREASING = 1
const DECREASING = 2

/** bits.Len(n): the number of bits needed to represent n (0 for 0). */
function bitLen(n: number): number {
  return n === 0 ? 0 : 32 - Math.clz32(n)
}

/** Sorts `data` in place exactly as Go 1.19's sort.Sort does with `less` (unstable). */
export function goSort<T>(data: T[], less: Less<T>): void {
  const n = data.length
  if (n <= 1) return
  new LessSorter(data, less).pdqsort(0, n, bitLen(n))
}

/**
 * Sorts `data` in place as goSort does with a Less of `keys[i] < keys[j]`, where `keys[i]` is
 * element i's number (moved along with it): the same steps, without a comparator call or a
 * property read per comparison (several times faster on millions of points).
 */
export function goSortByKeys<T>(data: T[], keys: Float64Array): void {
  const n = data.length
  if (n <= 1) return
  if (keys.length !== n) throw new RangeError('goSortByKeys: one key per element')
  new KeySorter(data, keys).pdqsort(0, n, bitLen(n))
}

/** Go's pdqsort over the two operations of sort.Interface: Less and Swap of two positions. */
abstract class GoSorter {
  #swaps = 0

  protected abstract lt(i: number, j: number): boolean
  protected abstract swap(i: number, j: number): void

  #insertionSort(a: number, b: number): void {
    for (let i = a + 1; i < b; i++)
      for (let j = i; j > a && this.lt(j, j - 1); j--) this.swap(j, j - 1)
  }

  #siftDown(lo: number, hi: number, first: number): void {
    let root = lo
    for (;;) {
      let child = 2 * root + 1
      if (child >= hi) return
      if (child + 1 < hi && this.lt(first + child, first + child + 1)) child++
      if (!this.lt(first + root, first + child)) return
      this.swap(first + root, first + child)
      root = child
    }
  }

  #heapSort(a: number, b: number): void {
    const hi = b - a
    for (let i = Math.trunc((hi - 1) / 2); i >= 0; i--) this.#siftDown(i, hi, a)
    for (let i = hi - 1; i >= 0; i--) {
      this.swap(a, a + i)
      this.#siftDown(0, i, a)
    }
  }

  pdqsort(a: number, b: number, limit: number): void {
    let wasBalanced = true
    let wasPartitioned = true
    for (;;) {
      const length = b - a
      if (length <= MAX_INSERTION) {
        this.#insertionSort(a, b)
        return
      }
      if (limit === 0) {
        this.#heapSort(a, b)
        return
      }
      if (!wasBalanced) {
        this.#breakPatterns(a, b)
        limit--
      }
      let [pivot, hint] = this.#choosePivot(a, b)
      if (hint === DECREASING) {
        this.#reverseRange(a, b)
        pivot = b - 1 - (pivot - a)
        hint = INCREASING
      }
      if (wasBalanced && wasPartitioned && hint === INCREASING && this.#partialInsertionSort(a, b))
        return
      if (a > 0 && !this.lt(a - 1, pivot)) {
        a = this.#partitionEqual(a, b, pivot)
        continue
      }
      const [mid, already] = this.#partition(a, b, pivot)
      wasPartitioned = already
      const leftLen = mid - a
      const rightLen = b - mid
      const balanceThreshold = Math.trunc(length / 8)
      if (leftLen < rightLen) {
        wasBalanced = leftLen >= balanceThreshold
        this.pdqsort(a, mid, limit)
        a = mid + 1
      } else {
        wasBalanced = rightLen >= balanceThreshold
        this.pdqsort(mid + 1, b, limit)
        b = mid
      }
    }
  }

  #partition(a: number, b: number, pivot: number): [number, boolean] {
    this.swap(a, pivot)
    let i = a + 1
    let j = b - 1
    while (i <= j && this.lt(i, a)) i++
    while (i <= j && !this.lt(j, a)) j--
    if (i > j) {
      this.swap(j, a)
      return [j, true]
    }
    this.swap(i, j)
    i++
    j--
    for (;;) {
      while (i <= j && this.lt(i, a)) i++
      while (i <= j && !this.lt(j, a)) j--
      if (i > j) break
      this.swap(i, j)
      i++
      j--
    }
    this.swap(j, a)
    return [j, false]
  }

  #partitionEqual(a: number, b: number, pivot: number): number {
    this.swap(a, pivot)
    let i = a + 1
    let j = b - 1
    for (;;) {
      while (i <= j && !this.lt(a, i)) i++
      while (i <= j && this.lt(a, j)) j--
      if (i > j) return i
      this.swap(i, j)
      i++
      j--
    }
  }

  #partialInsertionSort(a: number, b: number): boolean {
    const maxSteps = 5
    const shortestShifting = 50
    let i = a + 1
    for (let step = 0; step < maxSteps; step++) {
      while (i < b && !this.lt(i, i - 1)) i++
      if (i === b) return true
      if (b - a < shortestShifting) return false
      this.swap(i, i - 1)
      if (i - a >= 2) {
        for (let j = i - 1; j >= 1; j--) {
          if (!this.lt(j, j - 1)) break
          this.swap(j, j - 1)
        }
      }
      if (b - i >= 2) {
        for (let j = i + 1; j < b; j++) {
          if (!this.lt(j, j - 1)) break
          this.swap(j, j - 1)
        }
      }
    }
    return false
  }

  #breakPatterns(a: number, b: number): void {
    const length = b - a
    if (length < 8) return
    let random = BigInt(length)
    const mask = BigInt(2 ** bitLen(length) - 1)
    const mid = a + Math.trunc(length / 4) * 2
    for (let idx = mid - 1; idx <= mid + 1; idx++) {
      random = BigInt.asUintN(64, random ^ (random << 13n))
      random ^= random >> 17n
      random = BigInt.asUintN(64, random ^ (random << 5n))
      let other = Number(random & mask)
      if (other >= length) other -= length
      this.swap(idx, a + other)
    }
  }

  #choosePivot(a: number, b: number): [number, number] {
    const l = b - a
    this.#swaps = 0
    let i = a + Math.trunc(l / 4)
    let j = a + Math.trunc(l / 4) * 2
    let k = a + Math.trunc(l / 4) * 3
    if (l >= 8) {
      if (l >= SHORTEST_NINTHER) {
        i = this.#median(i - 1, i, i + 1)
        j = this.#median(j - 1, j, j + 1)
        k = this.#median(k - 1, k, k + 1)
      }
      j = this.#median(i, j, k)
    }
    return [j, this.#swaps === 0 ? INCREASING : this.#swaps === MAX_SWAPS ? DECREASING : UNKNOWN]
  }

  /** The index of the median of data[a], data[b], data[c], counting swaps as Go's median(). */
  #median(a: number, b: number, c: number): number {
    let t: number
    if (this.lt(b, a)) {
      this.#swaps++
      t = a
      a = b
      b = t
    }
    if (this.lt(c, b)) {
      this.#swaps++
      t = b
      b = c
      c = t
    }
    if (this.lt(b, a)) {
      this.#swaps++
      b = a
    }
    return b
  }

  #reverseRange(a: number, b: number): void {
    for (let i = a, j = b - 1; i < j; i++, j--) this.swap(i, j)
  }
}

class LessSorter<T> extends GoSorter {
  readonly #d: T[]
  readonly #less: Less<T>

  constructor(data: T[], less: Less<T>) {
    super()
    this.#d = data
    this.#less = less
  }

  protected lt(i: number, j: number): boolean {
    return this.#less(this.#d[i] as T, this.#d[j] as T)
  }

  protected swap(i: number, j: number): void {
    const d = this.#d
    const t = d[i] as T
    d[i] = d[j] as T
    d[j] = t
  }
}

class KeySorter<T> extends GoSorter {
  readonly #d: T[]
  readonly #k: Float64Array

  constructor(data: T[], keys: Float64Array) {
    super()
    this.#d = data
    this.#k = keys
  }

  protected lt(i: number, j: number): boolean {
    return (this.#k[i] as number) < (this.#k[j] as number)
  }

  protected swap(i: number, j: number): void {
    const d = this.#d
    const k = this.#k
    const t = d[i] as T
    d[i] = d[j] as T
    d[j] = t
    const u = k[i] as number
    k[i] = k[j] as number
    k[j] = u
  }
}
