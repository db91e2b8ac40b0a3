package deploy

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/stylegraph/stylegraph/config"
)

const chartDir = "helm/stylegraph"

// rendered are the chart's objects, decoded strictly into the Kubernetes API
// types: a field the API does not know fails the decode.
type rendered struct {
	deployments  map[string]*appsv1.Deployment
	services     map[string]*corev1.Service
	configMaps   map[string]*corev1.ConfigMap
	secrets      map[string]*corev1.Secret
	accounts     map[string]*corev1.ServiceAccount
	hpas         map[string]*autoscalingv2.HorizontalPodAutoscaler
	pdbs         map[string]*policyv1.PodDisruptionBudget
	jobs         map[string]*batchv1.Job
	cronJobs     map[string]*batchv1.CronJob
	netpols      map[string]*networkingv1.NetworkPolicy
	podTemplates map[string]*corev1.PodTemplateSpec // every workload's pod, by object name
}

// render renders the chart as `helm template` does with the overrides, and
// decodes every document.
func render(t *testing.T, overrides map[string]any) rendered {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	vals, err := util.ToRenderValues(ch, overrides, common.ReleaseOptions{Name: "shop", Namespace: "stylegraph", IsInstall: true}, common.DefaultCapabilities.Copy())
	if err != nil {
		t.Fatal(err)
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	r := rendered{
		deployments: map[string]*appsv1.Deployment{}, services: map[string]*corev1.Service{},
		configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{},
		accounts: map[string]*corev1.ServiceAccount{}, hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{},
		pdbs: map[string]*policyv1.PodDisruptionBudget{}, jobs: map[string]*batchv1.Job{},
		cronJobs: map[string]*batchv1.CronJob{}, netpols: map[string]*networkingv1.NetworkPolicy{},
		podTemplates: map[string]*corev1.PodTemplateSpec{},
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if !strings.HasSuffix(name, ".yaml") {
			continue
		}
		for _, doc := range strings.Split(files[name], "\n---") {
			if strings.TrimSpace(strings.ReplaceAll(doc, "---", "")) == "" {
				continue
			}
			var meta metav1.TypeMeta
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, doc)
			}
			key := meta.APIVersion + "/" + meta.Kind
			decode := func(into any) {
				if err := yaml.UnmarshalStrict([]byte(doc), into); err != nil {
					t.Fatalf("%s: %s does not decode strictly: %v\n%s", name, key, err, doc)
				}
			}
			switch key {
			case "apps/v1/Deployment":
				o := &appsv1.Deployment{}
				decode(o)
				r.deployments[o.Name], r.podTemplates[o.Name] = o, &o.Spec.Template
			case "v1/Service":
				o := &corev1.Service{}
				decode(o)
				r.services[o.Name] = o
			case "v1/ConfigMap":
				o := &corev1.ConfigMap{}
				decode(o)
				r.configMaps[o.Name] = o
			case "v1/Secret":
				o := &corev1.Secret{}
				decode(o)
				r.secrets[o.Name] = o
			case "v1/ServiceAccount":
				o := &corev1.ServiceAccount{}
				decode(o)
				r.accounts[o.Name] = o
			case "autoscaling/v2/HorizontalPodAutoscaler":
				o := &autoscalingv2.HorizontalPodAutoscaler{}
				decode(o)
				r.hpas[o.Name] = o
			case "policy/v1/PodDisruptionBudget":
				o := &policyv1.PodDisruptionBudget{}
				decode(o)
				r.pdbs[o.Name] = o
			case "batch/v1/Job":
				o := &batchv1.Job{}
				decode(o)
				r.jobs[o.Name], r.podTemplates[o.Name] = o, &o.Spec.Template
			case "batch/v1/CronJob":
				o := &batchv1.CronJob{}
				decode(o)
				r.cronJobs[o.Name], r.podTemplates[o.Name] = o, &o.Spec.JobTemplate.Spec.Template
			case "networking.k8s.io/v1/NetworkPolicy":
				o := &networkingv1.NetworkPolicy{}
				decode(o)
				r.netpols[o.Name] = o
			default:
				t.Fatalf("%s: unexpected kind %s", name, key)
			}
		}
	}
	return r
}

// eksValues are what an EKS install sets: an image, an IAM role for the
// service account, the managed stores and the secret from outside.
var eksValues = map[string]any{
	"image":          map[string]any{"repository": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/stylegraph", "tag": "1.4.0"},
	"serviceAccount": map[string]any{"roleArn": "arn:aws:iam::123456789012:role/stylegraph"},
	"secret":         map[string]any{"existingSecret": "stylegraph-prod"},
	"config": map[string]any{
		"NEO4J_URI":            "neo4j+s://abcd1234.databases.neo4j.io",
		"OPENSEARCH_URL":       "https://search-shop.eu-west-1.es.amazonaws.com",
		"OPENSEARCH_AWS_SIGV4": "true",
		"REDIS_ADDRS":          "clustercfg.shop.abc123.euw1.cache.amazonaws.com:6379",
		"REDIS_CLUSTER":        "true",
		"REDIS_TLS":            "true",
		"ARCHIVE_S3_BUCKET":    "shop-events",
		"ACTIVITY_LOG":         "sqs",
		"AWS_REGION":           "eu-west-1",
	},
}

func TestChartLints(t *testing.T) {
	for _, vals := range []map[string]any{nil, eksValues} {
		res := lint.RunAll(chartDir, vals, "stylegraph")
		for _, m := range res.Messages {
			if m.Severity >= support.WarningSev {
				t.Errorf("helm lint: %s", m)
			}
		}
	}
}

// TestChartRendersValidObjects renders the chart with its defaults and with
// EKS values and checks what the issue asks of each object.
func TestChartRendersValidObjects(t *testing.T) {
	for name, vals := range map[string]map[string]any{"defaults": nil, "eks": eksValues} {
		t.Run(name, func(t *testing.T) {
			r := render(t, vals)
			checkChart(t, r, vals != nil)
		})
	}
}

func checkChart(t *testing.T, r rendered, eks bool) {
	serve, worker := r.deployments["shop-stylegraph-serve"], r.deployments["shop-stylegraph-worker"]
	if serve == nil || worker == nil {
		t.Fatalf("want the serve and worker Deployments, got %v", slices.Sorted(maps.Keys(r.deployments)))
	}
	for _, want := range []struct {
		d     *appsv1.Deployment
		args  []string
		probe string
	}{
		{serve, []string{"serve", "--skip-migrate"}, "http"},
		{worker, []string{"worker"}, "metrics"},
	} {
		c := want.d.Spec.Template.Spec.Containers[0]
		if !slices.Equal(c.Args, want.args) {
			t.Errorf("%s args %v, want %v", want.d.Name, c.Args, want.args)
		}
		// Liveness never touches dependencies (/healthz); readiness is /readyz.
		for probe, path := range map[*corev1.Probe]string{c.LivenessProbe: "/healthz", c.ReadinessProbe: "/readyz", c.StartupProbe: "/healthz"} {
			if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Path != path || probe.HTTPGet.Port.String() != want.probe {
				t.Errorf("%s: want an HTTP probe on %s port %s, got %+v", want.d.Name, path, want.probe, probe)
			}
		}
		sel, err := metav1.LabelSelectorAsSelector(want.d.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(want.d.Spec.Template.Labels)) {
			t.Errorf("%s: selector %v does not match its pods %v", want.d.Name, want.d.Spec.Selector, want.d.Spec.Template.Labels)
		}
		hpa := r.hpas[want.d.Name]
		if hpa == nil || hpa.Spec.ScaleTargetRef.Name != want.d.Name || hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.MaxReplicas <= *hpa.Spec.MinReplicas {
			t.Errorf("%s: no HorizontalPodAutoscaler scaling it: %+v", want.d.Name, hpa)
		} else if want.d.Spec.Replicas != nil {
			t.Errorf("%s sets replicas while an HPA scales it", want.d.Name)
		}
		pdb := r.pdbs[want.d.Name]
		if pdb == nil {
			t.Errorf("%s: no PodDisruptionBudget", want.d.Name)
		} else if sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector); err != nil || !sel.Matches(labels.Set(want.d.Spec.Template.Labels)) {
			t.Errorf("%s: PDB selector %v misses its pods", want.d.Name, pdb.Spec.Selector)
		}
		if !netpolCovers(r.netpols, want.d.Spec.Template.Labels) {
			t.Errorf("%s: no NetworkPolicy selects its pods", want.d.Name)
		}
	}
	if svc := r.services["shop-stylegraph"]; svc == nil || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(serve.Spec.Template.Labels)) {
		t.Errorf("no Service in front of the serve pods: %+v", svc)
	}
	if j := r.jobs["shop-stylegraph-migrate"]; j == nil || !slices.Equal(j.Spec.Template.Spec.Containers[0].Args, []string{"migrate"}) ||
		!strings.Contains(j.Annotations["helm.sh/hook"], "pre-upgrade") {
		t.Errorf("no migrate Job hook before upgrades: %+v", j)
	}
	if cj := r.cronJobs["shop-stylegraph-recompute"]; cj == nil || cj.Spec.Schedule == "" || cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent ||
		!slices.Equal(cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args, []string{"recompute"}) {
		t.Errorf("no recompute CronJob: %+v", cj)
	}

	sa := r.accounts["shop-stylegraph"]
	if sa == nil {
		t.Fatal("no ServiceAccount")
	}
	if got := sa.Annotations["eks.amazonaws.com/role-arn"]; eks != (got != "") {
		t.Errorf("IRSA annotation %q with EKS values %v", got, eks)
	}

	// Every pod: our account, non-root, read-only root, dropped
	// capabilities, requests and limits, and the environment from the
	// ConfigMap and the Secret.
	cm := r.configMaps["shop-stylegraph-env"]
	if cm == nil {
		t.Fatal("no ConfigMap for the environment")
	}
	secretName := "shop-stylegraph-env"
	if eks {
		secretName = "stylegraph-prod"
		if len(r.secrets) != 0 {
			t.Errorf("an existing secret was named, yet the chart made %v", slices.Sorted(maps.Keys(r.secrets)))
		}
	} else if r.secrets[secretName] == nil {
		t.Errorf("no Secret %s", secretName)
	}
	for name, pod := range r.podTemplates {
		spec := pod.Spec
		if spec.ServiceAccountName != sa.Name {
			t.Errorf("%s runs as service account %q", name, spec.ServiceAccountName)
		}
		if psc := spec.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
			t.Errorf("%s: pod may run as root", name)
		}
		for _, c := range spec.Containers {
			sc := c.SecurityContext
			if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
				sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
				t.Errorf("%s/%s: container security context too loose: %+v", name, c.Name, sc)
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s/%s: resources %+v", name, c.Name, c.Resources)
			}
			var from []string
			for _, e := range c.EnvFrom {
				switch {
				case e.ConfigMapRef != nil:
					from = append(from, "cm:"+e.ConfigMapRef.Name)
				case e.SecretRef != nil:
					from = append(from, "secret:"+e.SecretRef.Name)
				}
			}
			if !slices.Equal(from, []string{"cm:" + cm.Name, "secret:" + secretName}) {
				t.Errorf("%s/%s: environment from %v", name, c.Name, from)
			}
			if !strings.HasPrefix(c.Image, map[bool]string{false: "stylegraph:", true: "123456789012.dkr.ecr."}[eks]) {
				t.Errorf("%s/%s: image %q", name, c.Name, c.Image)
			}
		}
	}

	// The ConfigMap is a configuration the binary accepts (a production one
	// needs JWT_SECRET, which comes from the Secret).
	env := maps.Clone(cm.Data)
	env["JWT_SECRET"] = strings.Repeat("x", 32)
	if _, err := config.LoadFrom(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Errorf("the ConfigMap is not a valid configuration: %v", err)
	}
}

// netpolCovers reports whether a NetworkPolicy selects pods with these labels.
func netpolCovers(nps map[string]*networkingv1.NetworkPolicy, podLabels map[string]string) bool {
	for _, np := range nps {
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(podLabels)) {
			return true
		}
	}
	return false
}
