package wiring

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/stylegraph/stylegraph/ingest"
)

// Registry is a process's Prometheus registry: the Go and process
// collectors, the circuit breakers' states and the lag of the consumer groups
// named. The API and the worker export the same families through it.
func (d *Deps) Registry(lag ingest.LagFunc, groups ...string) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	d.RegisterBreakers(reg)
	if err := ingest.RegisterLag(reg, lag, groups...); err != nil {
		return nil, err
	}
	return reg, nil
}

// ConsumerOptions are the worker's consumer settings from the configuration
// (CONSUMER_*, SHUTDOWN_TIMEOUT), counting into m.
func (d *Deps) ConsumerOptions(m *ingest.Metrics) ingest.ConsumerOptions {
	a := d.Cfg.Activity
	return ingest.ConsumerOptions{
		BatchSize: a.BatchSize, MaxAttempts: a.MaxAttempts, MaxDeliveries: a.MaxDeliveries,
		RetryBase: a.RetryBase, RetryMax: a.RetryMax, ShutdownGrace: d.Cfg.ShutdownTimeout,
		Logger: d.Log, Metrics: m,
	}
}
