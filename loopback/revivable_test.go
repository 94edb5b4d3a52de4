package loopback

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// TestRevivableGoesDownAndComesBack: the same URL answers, is refused
// once down, and answers again once up; a flap alternates the two.
func TestRevivableGoesDownAndComesBack(t *testing.T) {
	v, err := RevivableThrottled(map[string][]byte{"a.bin": []byte("hello")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	get := func() error {
		resp, err := client.Get(v.URL + "/a.bin")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && string(b) != "hello" {
			t.Errorf("body %q", b)
		}
		return err
	}
	if err := get(); err != nil {
		t.Fatalf("up: %v", err)
	}
	v.Down()
	if err := get(); err == nil {
		t.Fatal("down, yet it answered")
	}
	if err := v.Up(); err != nil {
		t.Fatal(err)
	}
	if err := get(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	v.Flap(300*time.Millisecond, 300*time.Millisecond)
	seen := map[bool]bool{}
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline) && len(seen) < 2; {
		seen[get() == nil] = true
		time.Sleep(50 * time.Millisecond)
	}
	if !seen[true] || !seen[false] {
		t.Errorf("a flapping host answered %v, want both up and down", seen)
	}
}
