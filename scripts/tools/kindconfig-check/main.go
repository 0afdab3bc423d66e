// SPDX-License-Identifier: Apache-2.0
// kindconfig-check: decodes kind cluster configuration files strictly into kind's own v1alpha4 types
// (unknown or misspelt fields fail) and checks what our setup relies on: extraPortMappings on
// 127.0.0.1 with NodePorts in range, and containerd's registry config_path. Usage: kindconfig-check FILE...
package main

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"
)

func check(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var c v1alpha4.Cluster
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return err
	}
	if c.Kind != "Cluster" || c.APIVersion != "kind.x-k8s.io/v1alpha4" {
		return fmt.Errorf("kind/apiVersion: want Cluster kind.x-k8s.io/v1alpha4, got %q %q", c.Kind, c.APIVersion)
	}
	if len(c.Nodes) == 0 {
		return fmt.Errorf("no nodes")
	}
	for i, n := range c.Nodes {
		if n.Image == "" || !strings.Contains(n.Image, ":") {
			return fmt.Errorf("nodes[%d]: image must be pinned by tag, got %q", i, n.Image)
		}
		for j, m := range n.ExtraPortMappings {
			if m.ListenAddress != "127.0.0.1" {
				return fmt.Errorf("nodes[%d].extraPortMappings[%d]: listenAddress %q, want 127.0.0.1", i, j, m.ListenAddress)
			}
			if m.ContainerPort < 30000 || m.ContainerPort > 32767 {
				return fmt.Errorf("nodes[%d].extraPortMappings[%d]: containerPort %d is not a NodePort", i, j, m.ContainerPort)
			}
		}
	}
	patched := false
	for _, p := range c.ContainerdConfigPatches {
		if strings.Contains(p, `config_path = "/etc/containerd/certs.d"`) {
			patched = true
		}
	}
	if !patched {
		return fmt.Errorf("containerdConfigPatches: registry config_path /etc/containerd/certs.d is not set")
	}
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kindconfig-check FILE...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		if err := check(path); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed = true
			continue
		}
		fmt.Printf("%s: ok\n", path)
	}
	if failed {
		os.Exit(1)
	}
}
