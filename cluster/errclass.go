package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"

	"clusterplay/events"
)

// ProbeError is a failed attempt with its class.
type ProbeError struct {
	Class events.Class
	Err   error
	// atDeadline: the prober's verdict was waiting for the connect
	// timeout, so its class stands when the deadline strikes, where any
	// other error then is put down to the timeout.
	atDeadline bool
}

// notFoundError is an HTTP answer that says the host has no such clip
// (404, 410): asking again will not change it.
type notFoundError struct {
	status int
	path   string
}

func (e *notFoundError) Error() string { return fmt.Sprintf("HTTP %d for %s", e.status, e.path) }

// isNotFound reports whether an attempt's error is a host's word that it
// has no such clip.
func isNotFound(err error) bool {
	var nf *notFoundError
	return errors.As(err, &nf)
}

func (e *ProbeError) Error() string { return e.Err.Error() }
func (e *ProbeError) Unwrap() error { return e.Err }

// Classify returns the class of an attempt's error. Errors that already
// carry a class (a *ProbeError) keep it.
func Classify(err error) events.Class {
	var pe *ProbeError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var netErr net.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pe):
		return pe.Class
	case errors.Is(err, context.Canceled):
		return events.ClassCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return events.ClassTimeout
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return events.ClassTimeout
		}
		return events.ClassDNS
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostnameErr),
		errors.As(err, &invalidCert), errors.As(err, &recordErr), errors.As(err, &alertErr):
		return events.ClassTLS
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE), errors.Is(err, syscall.ENOBUFS),
		errors.Is(err, syscall.ENOMEM), errors.Is(err, syscall.EADDRNOTAVAIL):
		return events.ClassLocal
	case errors.Is(err, syscall.ECONNREFUSED):
		return events.ClassRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return events.ClassReset
	case errors.As(err, &netErr) && netErr.Timeout():
		return events.ClassTimeout
	}
	return events.ClassNetwork
}

// describe turns an attempt's error into a short human message, without the
// "Get URL:" prefix that net/http repeats on every error. A certificate
// that does not verify names --insecure, the way past it.
func describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch Classify(err) {
	case events.ClassTimeout:
		return "no answer within the connect timeout"
	case events.ClassRefused:
		return "connection refused"
	}
	msg := err.Error()
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		msg = fmt.Sprintf("%s: %v", opErr.Op, opErr.Err)
	}
	if unverified(err) {
		msg += events.InsecureHint
	}
	return msg
}

// unverified reports whether err is a certificate that did not verify,
// which --insecure would let pass (unlike a peer that speaks no TLS).
func unverified(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	return errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostnameErr) ||
		errors.As(err, &invalidCert)
}
