package cluster

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test must leave no attempt, timer or bus goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
