package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// How the JWKS is fetched and kept.
const (
	jwksTTL        = 10 * time.Minute // fetched keys are fresh this long
	jwksRetryEvery = 30 * time.Second // no fetch sooner than this after the last attempt
	jwksMaxStale   = 24 * time.Hour   // keys are used this long while the JWKS cannot be fetched
	jwksTimeout    = 5 * time.Second
	jwksMaxBody    = 1 << 20
	jwksMaxKeys    = 100
)

// errJWKSUnavailable means no signing keys could be had: the JWKS was never
// fetched, or not for jwksMaxStale.
var errJWKSUnavailable = errors.New("the Supabase JWKS cannot be fetched")

// publicKey is a verification key and the one algorithm it may verify.
type publicKey struct {
	alg    string
	public any // *rsa.PublicKey or *ecdsa.PublicKey
}

// jwksCache fetches a JSON Web Key Set and keeps it. Keys are refetched when
// they are older than jwksTTL or a token names an unknown key ID, but never
// more than once per jwksRetryEvery, so tokens with made-up key IDs cannot
// make interviewd hammer the JWKS endpoint.
type jwksCache struct {
	url    string
	header http.Header
	client *http.Client
	now    func() time.Time

	fetching sync.Mutex // held during a fetch: one at a time

	mu      sync.Mutex // guards what follows
	keys    map[string]publicKey
	fetched time.Time // last successful fetch
	tried   time.Time // last attempt
}

// key returns the key with ID kid, fetching the set when due.
func (j *jwksCache) key(ctx context.Context, kid string) (publicKey, error) {
	if kid == "" {
		return publicKey{}, errors.New("token names no key")
	}
	k, found, stale := j.lookup(kid)
	if stale {
		// A known key is used while another request refetches the set;
		// an unknown one waits for that fetch.
		if !found {
			j.fetching.Lock()
			j.refresh(ctx)
			j.fetching.Unlock()
		} else if j.fetching.TryLock() {
			j.refresh(ctx)
			j.fetching.Unlock()
		}
		k, found, _ = j.lookup(kid)
	}
	if found {
		return k, nil
	}
	if j.expired() {
		return publicKey{}, errJWKSUnavailable
	}
	return publicKey{}, fmt.Errorf("unknown key ID %q", kid)
}

// lookup returns the key kid while the set is usable, and whether the set
// should be refetched (it is old, or kid is not in it).
func (j *jwksCache) lookup(kid string) (publicKey, bool, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	age := j.now().Sub(j.fetched)
	k, found := j.keys[kid]
	found = found && age < jwksMaxStale
	return k, found, !found || age >= jwksTTL
}

func (j *jwksCache) expired() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.keys == nil || j.now().Sub(j.fetched) >= jwksMaxStale
}

// refresh fetches the set unless an attempt was made within
// jwksRetryEvery. The caller holds j.fetching. A failed fetch keeps the
// keys already known.
func (j *jwksCache) refresh(ctx context.Context) {
	j.mu.Lock()
	now := j.now()
	if !j.tried.IsZero() && now.Sub(j.tried) < jwksRetryEvery {
		j.mu.Unlock()
		return
	}
	j.tried = now
	j.mu.Unlock()

	// One request giving up must not leave the others without keys.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksTimeout)
	defer cancel()
	keys, err := j.fetch(ctx)
	if err != nil {
		return
	}
	j.mu.Lock()
	j.keys, j.fetched = keys, j.now()
	j.mu.Unlock()
}

func (j *jwksCache) fetch(ctx context.Context) (map[string]publicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return nil, err
	}
	for name, values := range j.header {
		req.Header[name] = values
	}
	req.Header.Set("Accept", "application/json")
	resp, err := j.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("JWKS: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, jwksMaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > jwksMaxBody {
		return nil, errors.New("JWKS: body too large")
	}
	return parseJWKS(body)
}

// jwk is one key of a set, with the members interviewd reads.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Crv string `json:"crv"`
	N   string `json:"n"`
	E   string `json:"e"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS returns the usable signing keys of a set by key ID: RSA keys of
// 2048 to 8192 bits for RS256 and P-256 keys for ES256. Others (symmetric
// keys, other curves and algorithms, encryption keys) are left out.
func parseJWKS(body []byte) (map[string]publicKey, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	if len(set.Keys) > jwksMaxKeys {
		return nil, fmt.Errorf("JWKS: %d keys, more than %d", len(set.Keys), jwksMaxKeys)
	}
	keys := map[string]publicKey{}
	for _, k := range set.Keys {
		if _, dup := keys[k.Kid]; dup || k.Kid == "" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		if pk, ok := k.publicKey(); ok {
			keys[k.Kid] = pk
		}
	}
	return keys, nil
}

func (k jwk) publicKey() (publicKey, bool) {
	switch {
	case k.Kty == "RSA" && (k.Alg == "" || k.Alg == "RS256"):
		pub, ok := rsaKey(k.N, k.E)
		return publicKey{alg: "RS256", public: pub}, ok
	case k.Kty == "EC" && k.Crv == "P-256" && (k.Alg == "" || k.Alg == "ES256"):
		pub, ok := p256Key(k.X, k.Y)
		return publicKey{alg: "ES256", public: pub}, ok
	}
	return publicKey{}, false
}

func rsaKey(n64, e64 string) (*rsa.PublicKey, bool) {
	nb, err1 := base64.RawURLEncoding.DecodeString(n64)
	eb, err2 := base64.RawURLEncoding.DecodeString(e64)
	if err1 != nil || err2 != nil || len(eb) == 0 || len(eb) > 4 {
		return nil, false
	}
	n := new(big.Int).SetBytes(nb)
	e := new(big.Int).SetBytes(eb).Int64()
	if n.BitLen() < 2048 || n.BitLen() > 8192 || e < 3 || e%2 == 0 {
		return nil, false
	}
	return &rsa.PublicKey{N: n, E: int(e)}, true
}

func p256Key(x64, y64 string) (*ecdsa.PublicKey, bool) {
	x, err1 := base64.RawURLEncoding.DecodeString(x64)
	y, err2 := base64.RawURLEncoding.DecodeString(y64)
	if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
		return nil, false
	}
	point := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	return pub, err == nil
}
