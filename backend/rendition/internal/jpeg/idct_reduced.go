package jpeg

import "math"

// relais: reduced inverse DCTs for scaled decoding.
//
// A block's pixels at 1/s size are the means of the full 8×8 inverse DCT
// over s×s groups, keeping only the n = 8/s lowest frequencies:
//
//	f(x, y) = 1/4 Σ_{u,v<n} C(u) C(v) F(u,v) A_u(x) A_v(y)
//	A_u(x)  = 1/s Σ_{i<s} cos((2(sx+i)+1)uπ/16)
//
// with C(0) = 1/√2, else 1. At n = 1 this is the block's mean, F(0,0)/8.

// reducedCos[n][x*n+u] = C(u)/2 · A_u(x), in 1<<reducedBits fixed point.
var reducedCos [9][]int32

const reducedBits = 13

func init() {
	for _, n := range []int{2, 4} {
		t := make([]int32, n*n)
		for x := range n {
			for u := range n {
				c := 1.0
				if u == 0 {
					c = 1 / math.Sqrt2
				}
				// The mean of the full transform's basis over the s×s
				// group (s = 8/n), so a flat area stays exact and edges
				// are box-filtered like a full decode then shrink.
				s := 8 / n
				var a float64
				for i := range s {
					a += math.Cos(float64(2*(s*x+i)+1) * float64(u) * math.Pi / 16)
				}
				a /= float64(s)
				t[x*n+u] = int32(math.Round(c / 2 * a * (1 << reducedBits)))
			}
		}
		reducedCos[n] = t
	}
}

// idctReduced writes the n×n reduced block (n = 1, 2 or 4) into b's top
// left corner (row stride 8), from dequantized coefficients in natural
// order; values are pixel − 128 like idct's.
func idctReduced(b *block, n int) {
	if n == 1 {
		b[0] = (b[0] + 4) >> 3
		return
	}
	t := reducedCos[n]
	var tmp [16]int32 // tmp[v*n+x]: rows transformed, in reducedBits fixed point
	for v := range n {
		row := b[v*8 : v*8+n]
		for x := range n {
			var acc int32
			for u, f := range row {
				acc += t[x*n+u] * f
			}
			tmp[v*n+x] = acc
		}
	}
	const round = 1 << (2*reducedBits - 1)
	for y := range n {
		for x := range n {
			var acc int64
			for v := range n {
				acc += int64(t[y*n+v]) * int64(tmp[v*n+x])
			}
			b[y*8+x] = int32((acc + round) >> (2 * reducedBits))
		}
	}
}
