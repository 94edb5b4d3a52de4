package abr

// First is the variant of the first segment, before any switch: the
// highest variant under UpFactor of the estimate when the host was
// measured already (by the playlists, or an earlier clip), else the
// lowest, within the bounds. The lowest is the safe start: its segments
// come soonest, so the first picture does too, and the estimate that
// their fetch gives lets the rule step up within a few segments, where a
// start too high stalls before anything is known. The buffer plays no
// part: there is none yet.
func (r Rule) First(in Input) int {
	n := len(in.Bitrates)
	if n == 0 {
		return 0
	}
	lo, hi := in.Bounds.span(in.Bitrates)
	if in.Estimate <= 0 {
		return lo
	}
	to := lo
	for i := lo + 1; i <= hi; i++ {
		if in.Bitrates[i] < r.UpFactor*in.Estimate {
			to = i
		}
	}
	return to
}
