package playback

import (
	"testing"
	"time"

	"clusterplay/clock"
)

func TestBitrateAverage(t *testing.T) {
	type step struct {
		after  time.Duration
		sample float64
	}
	cases := []struct {
		name     string
		steps    []step
		min, max float64
	}{
		{"unknown until a first sample", []step{{0, 0}, {time.Second, 0}}, 0, 0},
		{"the first sample as it is", []step{{0, 358000}}, 358000, 358000},
		{"a one-second keyframe spike moves it a fifth", []step{{0, 358000}, {time.Second, 500000}}, 387000, 392000},
		{"unknown samples keep it", []step{{0, 358000}, {time.Second, 0}, {time.Second, 0}}, 358000, 358000},
		{"many quick samples weigh by time, not by count", func() []step {
			s := []step{{0, 358000}}
			for range 100 {
				s = append(s, step{10 * time.Millisecond, 500000})
			}
			return s
		}(), 387000, 392000},
		{"a lasting change is followed", []step{{0, 358000}, {20 * time.Second, 1000000}}, 995000, 1000000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := clock.NewFake(time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC))
			var b bitrateAverage
			got := 0.0
			for _, s := range c.steps {
				fake.Advance(s.after)
				got = b.add(s.sample, fake.Now())
			}
			if got < c.min || got > c.max {
				t.Errorf("average %.0f, want %.0f..%.0f", got, c.min, c.max)
			}
		})
	}
}
