package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"clusterplay/cluster"
)

// readmeExample returns the example config of docs/config.md: the yaml
// block of its "Config file" page. Testing it keeps the docs truthful.
func readmeExample(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "# Config file\n")
	_, block, ok2 := strings.Cut(section, "```yaml\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/config.md has no yaml block under \"# Config file\"")
	}
	return block
}

// TestExample loads the docs' example as is, and with each of its
// named clusters.
func TestExample(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "config.yaml", readmeExample(t))
	cfg := mustLoad(t, []string{"--config", path}, nil)
	wantHosts := []cluster.HostSpec{
		{URL: "https://edge1.example.com/media/"},
		{URL: "https://edge2.example.com/media/", Priority: 1, Weight: 2},
		{URL: "rtmp://rtmp.example.com/vod"},
	}
	if !reflect.DeepEqual(cfg.Hosts, wantHosts) {
		t.Errorf("hosts %+v", cfg.Hosts)
	}
	want := cluster.DefaultOptions()
	want.Select = "ordered"
	if !reflect.DeepEqual(cfg.Cluster, want) || len(cfg.Notices) != 0 {
		t.Errorf("options %+v, notices %q", cfg.Cluster, cfg.Notices)
	}
	if !reflect.DeepEqual(cfg.Player.Extra, [][2]string{{"hwdec", "auto"}, {"cache", "yes"}}) {
		t.Errorf("mpv %q", cfg.Player.Extra)
	}
	us := mustLoad(t, []string{"--config", path, "--cluster", "us"}, nil)
	if us.Cluster.Select != "fastest" || us.Cluster.ConnectTimeout != 3*time.Second || len(us.Hosts) != 2 {
		t.Errorf("us: %+v %+v", us.Cluster, us.Hosts)
	}
	if eu := mustLoad(t, []string{"--config", path, "--cluster", "eu"}, nil); len(eu.Hosts) != 2 {
		t.Errorf("eu: %+v", eu.Hosts)
	}
}

// TestExampleCoversEveryKey keeps the example in step with the key table.
func TestExampleCoversEveryKey(t *testing.T) {
	t.Parallel()
	ex := readmeExample(t)
	for _, key := range fileKeys() {
		if !strings.Contains(ex, key+":") {
			t.Errorf("the example of docs/config.md does not mention %s", key)
		}
	}
	if !strings.Contains(ex, "clusters:") {
		t.Error("the example of docs/config.md does not show named clusters")
	}
}
