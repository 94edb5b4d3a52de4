package ui

// The xterm 256-colour palette beyond the 16 themed colours, which the
// pane never uses because a terminal's theme may change them: a 6x6x6
// colour cube (indices 16 to 231) and 24 greys (232 to 255).

// cubeLevels are the channel values of the cube's six steps.
var cubeLevels = [6]int{0, 95, 135, 175, 215, 255}

// cubeStep is the cube step nearest to v.
func cubeStep(v int) int {
	switch {
	case v < 48:
		return 0
	case v < 115:
		return 1
	}
	return (v - 35) / 40
}

// xterm256 is the palette index whose colour is nearest to c: the nearest
// cube colour or the nearest grey, whichever is closer.
func xterm256(c [3]uint8) uint8 {
	r, g, b := int(c[0]), int(c[1]), int(c[2])
	ri, gi, bi := cubeStep(r), cubeStep(g), cubeStep(b)
	cube := 16 + 36*ri + 6*gi + bi
	cubeDist := dist2(r, g, b, cubeLevels[ri], cubeLevels[gi], cubeLevels[bi])

	grey := min(23, max(0, ((r+g+b)/3-3)/10))
	gv := 8 + 10*grey
	if dist2(r, g, b, gv, gv, gv) < cubeDist {
		return uint8(232 + grey)
	}
	return uint8(cube)
}

func dist2(r, g, b, r2, g2, b2 int) int {
	dr, dg, db := r-r2, g-g2, b-b2
	return dr*dr + dg*dg + db*db
}
