package main

import (
	"fmt"
	"math"

	"clusterplay/cluster"
)

// spreadPicks is the number of picks per experiment: at 30,000 picks over
// 3 hosts the standard error of a share is about 0.27 percentage points,
// so a 2-point bias stands out and chance alone does not reach it.
const spreadPicks = 30000

// spreadCase is one policy over one cluster, repeated.
type spreadCase struct {
	name     string
	weighted bool
	weights  []int     // 1 for each host with the random policy
	chi      []float64 // chi-square statistic per repetition
	maxRatio []float64 // random: most-picked host's count / mean count
	maxDev   []float64 // weighted: max |observed - expected share|, percentage points
}

// benchSpread is section 3: in process, no network, the policies' Order
// called exactly as the engine calls it once per pass, and the first host
// of each order counted as the pick.
func benchSpread(reps int) []*spreadCase {
	cases := []*spreadCase{
		{name: "random, 3 hosts", weights: []int{1, 1, 1}},
		{name: "random, 10 hosts", weights: []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{name: "weighted 1:2:3, 3 hosts", weighted: true, weights: []int{1, 2, 3}},
		{name: "weighted 1:2:…:10, 10 hosts", weighted: true, weights: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
	}
	for _, c := range cases {
		specs := make([]cluster.HostSpec, len(c.weights))
		total := 0
		for i, w := range c.weights {
			specs[i] = cluster.HostSpec{URL: fmt.Sprintf("http://127.0.0.1:%d/video", 10000+i), Weight: w}
			total += w
		}
		hosts, err := cluster.NewHosts(specs)
		if err != nil {
			panic(err) // fixed, valid specs: a failure is a bug here
		}
		var policy cluster.Selector = cluster.Random{}
		if c.weighted {
			policy = cluster.Weighted{}
		}
		// The expected first-pick share of a host is its weight over the
		// total: Efraimidis–Spirakis' first key is a weighted draw.
		expected := make([]float64, len(hosts))
		for i, w := range c.weights {
			expected[i] = spreadPicks * float64(w) / float64(total)
		}
		mem := cluster.NewMemory()
		for range reps {
			counts := make([]int, len(hosts))
			for range spreadPicks {
				counts[policy.Order(hosts, mem)[0].Index]++
			}
			c.chi = append(c.chi, chiSquare(counts, expected))
			most, dev := 0, 0.0
			for i, n := range counts {
				most = max(most, n)
				dev = max(dev, math.Abs(float64(n)-expected[i])/spreadPicks*100)
			}
			c.maxRatio = append(c.maxRatio, float64(most)/(spreadPicks/float64(len(hosts))))
			c.maxDev = append(c.maxDev, dev)
		}
	}
	return cases
}

func spreadRows(cases []*spreadCase) []row {
	var rows []row
	for _, c := range cases {
		df := len(c.weights) - 1
		crit := chiCritical001[df]
		chi := summarize(c.chi)
		if !c.weighted {
			rows = append(rows, numRow("3", fmt.Sprintf("%s: chi-square (df %d), %d picks", c.name, df, spreadPicks), chi, 2,
				fmt.Sprintf("< %.2f (p = 0.001)", crit), check(chi.n > 0 && chi.median < crit),
				fmt.Sprintf("max/mean count %s (worst %s); worst chi-square %s", fmtNum(median(c.maxRatio), 3), fmtNum(summarize(c.maxRatio).max, 3), fmtNum(chi.max, 2))))
			continue
		}
		dev := summarize(c.maxDev)
		rows = append(rows, numRow("3", fmt.Sprintf("%s: max |observed − expected share| (pp), %d picks", c.name, spreadPicks), dev, 2,
			"< 2 pp", check(dev.n > 0 && dev.max < 2),
			fmt.Sprintf("worst run judged; chi-square (df %d) median %s vs %.2f", df, fmtNum(chi.median, 2), crit)))
	}
	return rows
}
