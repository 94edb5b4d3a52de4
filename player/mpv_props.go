package player

// The handle's properties: typed reads and writes, and what to observe.

/*
#include <stdint.h>
#include "mpvload.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// getProperty reads name into the C variable at dst, which must match format.
func (m *mpvHandle) getProperty(name string, format mpvFormat, dst unsafe.Pointer) error {
	cs, free, err := cstrings(name)
	defer free()
	if err != nil {
		return err
	}
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_get_property(h, cs[0], C.mpv_format(format), dst))); err != nil {
			return fmt.Errorf("mpv property %s: %w", name, err)
		}
		return nil
	})
}

// setProperty writes the C variable at src, which must match format.
func (m *mpvHandle) setProperty(name string, format mpvFormat, src unsafe.Pointer) error {
	cs, free, err := cstrings(name)
	defer free()
	if err != nil {
		return err
	}
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_set_property(h, cs[0], C.mpv_format(format), src))); err != nil {
			return fmt.Errorf("mpv set property %s: %w", name, err)
		}
		return nil
	})
}

func (m *mpvHandle) GetPropertyString(name string) (string, error) {
	var v *C.char
	if err := m.getProperty(name, formatString, unsafe.Pointer(&v)); err != nil {
		return "", err
	}
	defer C.cp_free(unsafe.Pointer(v))
	return C.GoString(v), nil
}

func (m *mpvHandle) GetPropertyFlag(name string) (bool, error) {
	var v C.int
	err := m.getProperty(name, formatFlag, unsafe.Pointer(&v))
	return v != 0, err
}

func (m *mpvHandle) GetPropertyDouble(name string) (float64, error) {
	var v C.double
	err := m.getProperty(name, formatDouble, unsafe.Pointer(&v))
	return float64(v), err
}

func (m *mpvHandle) GetPropertyInt64(name string) (int64, error) {
	var v C.int64_t
	err := m.getProperty(name, formatInt64, unsafe.Pointer(&v))
	return int64(v), err
}

func (m *mpvHandle) SetPropertyString(name, value string) error {
	cs, free, err := cstrings(value)
	defer free()
	if err != nil {
		return err
	}
	// MPV_FORMAT_STRING takes a char**: the address of the slice element,
	// Go memory holding only a C pointer, which cgo allows.
	return m.setProperty(name, formatString, unsafe.Pointer(&cs[0]))
}

func (m *mpvHandle) SetPropertyFlag(name string, value bool) error {
	v := C.int(0)
	if value {
		v = 1
	}
	return m.setProperty(name, formatFlag, unsafe.Pointer(&v))
}

func (m *mpvHandle) SetPropertyDouble(name string, value float64) error {
	v := C.double(value)
	return m.setProperty(name, formatDouble, unsafe.Pointer(&v))
}

func (m *mpvHandle) SetPropertyInt64(name string, value int64) error {
	v := C.int64_t(value)
	return m.setProperty(name, formatInt64, unsafe.Pointer(&v))
}

// ObserveProperty asks for PROPERTY_CHANGE events carrying id as
// ReplyUserdata and the value in format (formatNone: change notice only).
func (m *mpvHandle) ObserveProperty(id uint64, name string, format mpvFormat) error {
	cs, free, err := cstrings(name)
	defer free()
	if err != nil {
		return err
	}
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_observe_property(h, C.uint64_t(id), cs[0], C.mpv_format(format)))); err != nil {
			return fmt.Errorf("mpv observe %s: %w", name, err)
		}
		return nil
	})
}
