package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// maxFileSize bounds a config file. A hand-written one is a few KB; without
// a bound /dev/zero was read forever and a 137 MB file took 687 MB to
// refuse, since the parsed tree grows with the file.
const maxFileSize = 1 << 20

// readConfigFile reads a config file that is a regular file of at most
// maxFileSize bytes. A pipe, a device or a socket could block or never
// end, so they are refused before a byte is read.
func readConfigFile(path string) ([]byte, error) {
	if path == os.DevNull {
		// The habit of every Unix tool for "no config": an empty file,
		// and one device that can neither block nor run on.
		return nil, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(info); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should a FIFO replace the file after the Stat, the open
	// must not wait for a writer that never comes; the Stat of the opened
	// file then refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regular(info); err != nil {
		return nil, err
	}
	// One byte past the bound tells a file at the bound from a longer one,
	// even when the file grows while it is read.
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("larger than %d MiB, which no config needs", maxFileSize>>20)
	}
	return data, nil
}

// regular says what a file is when it is not a regular file.
func regular(info fs.FileInfo) error {
	mode := info.Mode()
	if mode.IsRegular() {
		return nil
	}
	for _, k := range []struct {
		bit  fs.FileMode
		name string
	}{{fs.ModeDir, "a directory"}, {fs.ModeNamedPipe, "a named pipe"}, {fs.ModeSocket, "a socket"}, {fs.ModeDevice, "a device"}} {
		if mode&k.bit != 0 {
			return fmt.Errorf("%s, not a regular file", k.name)
		}
	}
	return errors.New("not a regular file")
}
