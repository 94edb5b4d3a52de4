//go:build !cgo

package player

import "clusterplay/mpvnode"

// IPCClient is never made without cgo: NewIPCClient fails as New does.
type IPCClient struct{}

func (p *Player) NewIPCClient(name string) (*IPCClient, error) { return nil, errNoCgo }

func (c *IPCClient) Name() string                                        { return "" }
func (c *IPCClient) TimeUS() int64                                       { return 0 }
func (c *IPCClient) APIVersion() int64                                   { return 0 }
func (c *IPCClient) Command(cmd any) (any, error)                        { return nil, errNoCgo }
func (c *IPCClient) CommandAsync(id uint64, cmd any) error               { return errNoCgo }
func (c *IPCClient) CommandString(line string) error                     { return errNoCgo }
func (c *IPCClient) GetProperty(name string) (any, error)                { return nil, errNoCgo }
func (c *IPCClient) GetPropertyString(name string) (string, bool)        { return "", false }
func (c *IPCClient) SetProperty(name string, v any) error                { return errNoCgo }
func (c *IPCClient) Observe(id uint64, name string, asString bool) error { return errNoCgo }
func (c *IPCClient) Unobserve(id uint64) error                           { return errNoCgo }
func (c *IPCClient) RequestLogMessages(level string) error               { return errNoCgo }
func (c *IPCClient) RequestEvent(name string, enable bool) error         { return errNoCgo }
func (c *IPCClient) NextEvent() (mpvnode.Map, bool)                      { return nil, false }
func (c *IPCClient) Close()                                              {}
