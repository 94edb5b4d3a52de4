//go:build !cgo

package player

// Without cgo there is no libmpv. This stub keeps the package (and so the
// whole program) building with CGO_ENABLED=0, for tools and tests that
// never play anything; New then fails with errNoCgo, which says why and
// matches ErrNoLibmpv.

// No "player:" prefix: the caller names the player already, as it does for
// ErrNoLibmpv.
var errNoCgo error = noLibmpvError("built without cgo (CGO_ENABLED=0); playback needs libmpv: install it " +
	"(Debian/Ubuntu: apt-get install libmpv-dev; macOS: brew install mpv) and build with CGO_ENABLED=1")

type mpvHandle struct{}

func loadLibmpv() error { return errNoCgo }

func newMPV() (*mpvHandle, error) { return nil, errNoCgo }

func (m *mpvHandle) SetOptionString(name, value string) error                  { return errNoCgo }
func (m *mpvHandle) Initialize() error                                         { return errNoCgo }
func (m *mpvHandle) Command(args ...string) error                              { return errNoCgo }
func (m *mpvHandle) GetPropertyString(name string) (string, error)             { return "", errNoCgo }
func (m *mpvHandle) GetPropertyFlag(name string) (bool, error)                 { return false, errNoCgo }
func (m *mpvHandle) GetPropertyDouble(name string) (float64, error)            { return 0, errNoCgo }
func (m *mpvHandle) GetPropertyInt64(name string) (int64, error)               { return 0, errNoCgo }
func (m *mpvHandle) SetPropertyString(name, value string) error                { return errNoCgo }
func (m *mpvHandle) SetPropertyFlag(name string, value bool) error             { return errNoCgo }
func (m *mpvHandle) SetPropertyDouble(name string, value float64) error        { return errNoCgo }
func (m *mpvHandle) SetPropertyInt64(name string, value int64) error           { return errNoCgo }
func (m *mpvHandle) ObserveProperty(id uint64, name string, f mpvFormat) error { return errNoCgo }
func (m *mpvHandle) RequestLogMessages(minLevel string) error                  { return errNoCgo }
func (m *mpvHandle) WaitEvent(timeout float64) mpvEvent                        { return mpvEvent{ID: eventShutdown} }
func (m *mpvHandle) Wakeup()                                                   {}
func (m *mpvHandle) TerminateDestroy()                                         {}

func (id mpvEventID) String() string { return staticEventName(id) }

func mpvErrorString(code int) string { return staticErrorString(code) }

// mpvClientAPIVersion is 0: no libmpv linked.
func mpvClientAPIVersion() uint32 { return 0 }

// mpvRender is never made: newSWRender fails, so New has no Pane.
type mpvRender struct{}

func (m *mpvHandle) newSWRender() (*mpvRender, error)          { return nil, errNoCgo }
func (r *mpvRender) wait() wakeBits                            { return wakeGo }
func (r *mpvRender) poke()                                     {}
func (r *mpvRender) render(pix []byte, w, h, stride int) error { return errNoCgo }
func (r *mpvRender) skip()                                     {}
func (r *mpvRender) hasFrame() bool                            { return false }
func (r *mpvRender) free()                                     {}
