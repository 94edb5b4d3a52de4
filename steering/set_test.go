package steering

import (
	"slices"
	"testing"
	"time"

	"clusterplay/clock"
)

func TestSetMoves(t *testing.T) {
	fc := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := NewSet(fc, time.Minute, []string{"A", "B", "C"})
	step := func(name, want, reason string) {
		t.Helper()
		got, mv := s.Pick()
		if got != want {
			t.Fatalf("%s: pathway %s, want %s", name, got, want)
		}
		switch {
		case reason == "" && mv != nil:
			t.Fatalf("%s: moved %+v", name, mv)
		case reason != "" && (mv == nil || mv.Reason != reason || mv.To != want):
			t.Fatalf("%s: move %+v, want to %s for %s", name, mv, want, reason)
		}
	}
	step("first", "A", "")
	s.SetPriority([]string{"B", "A"})
	step("steering", "B", ReasonSteering)
	s.Penalise("B", ReasonFailure)
	step("failure", "A", ReasonFailure)
	if s.PenaltyUntil("B").IsZero() {
		t.Fatal("no penalty")
	}
	if ahead := s.Ahead("A"); !slices.Equal(ahead, []string{"C", "B"}) {
		t.Fatalf("ahead %q", ahead)
	}
	fc.Advance(30 * time.Second)
	step("still penalised", "A", "")
	fc.Advance(31 * time.Second)
	step("penalty over", "B", ReasonPenaltyOver)
	if nx := s.Next(); nx != "A" {
		t.Fatalf("next %q", nx)
	}
	s.Pin("C")
	step("user", "C", ReasonUser)
	s.SetPriority([]string{"A", "B"})
	step("steering ends the pick", "A", ReasonSteering)
	if s.SetPriority([]string{"A", "B"}) {
		t.Fatal("the same order is no change")
	}
	s.Penalise("A", ReasonFailure)
	s.Penalise("B", ReasonFailure)
	s.Penalise("C", ReasonFailure)
	step("all penalised: the first to end", "A", "")
	if s.SetPriority([]string{"Z"}) {
		t.Fatal("an unknown pathway changed the order")
	}
}
