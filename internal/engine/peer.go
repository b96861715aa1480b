package engine

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// opus is the codec the engine hears: the candidate's microphone. The
// answer asks for SILK wideband (wideFmtp), which is all pocketsphinx needs.
var opus = webrtc.RTPCodecCapability{
	MimeType:    webrtc.MimeTypeOpus,
	ClockRate:   48000,
	Channels:    2,
	SDPFmtpLine: "minptime=10;useinbandfec=1",
}

// pcmu is the codec the engine speaks with: G.711 µ-law is encoded in a
// few lines of pure Go, and every browser decodes it. There is no standard
// pure-Go Opus encoder (docs/engine.md, "Codecs").
var pcmu = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000, Channels: 1}

// newAPI builds the one *webrtc.API every call uses: Opus and PCMU, the RFC
// 6464 audio-level extension (the voice detector's cheap signal), RTCP
// reports, and the ICE settings.
func newAPI(cfg ICE) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	for _, c := range []webrtc.RTPCodecParameters{{RTPCodecCapability: opus, PayloadType: 111},
		{RTPCodecCapability: pcmu, PayloadType: 0}} {
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			return nil, fmt.Errorf("register %s: %w", c.MimeType, err)
		}
	}
	level := webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}
	if err := m.RegisterHeaderExtension(level, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("register audio level: %w", err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		return nil, fmt.Errorf("rtcp reports: %w", err)
	}
	se, err := settingEngine(cfg)
	if err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir),
		webrtc.WithSettingEngine(se)), nil
}

func settingEngine(cfg ICE) (webrtc.SettingEngine, error) {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(cfg.IncludeLoopback || cfg.LoopbackOnly)
	if cfg.LoopbackOnly {
		se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
		se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	}
	if len(cfg.PublicIPs) > 0 {
		rule := webrtc.ICEAddressRewriteRule{External: cfg.PublicIPs, AsCandidateType: webrtc.ICECandidateTypeHost}
		if err := se.SetICEAddressRewriteRules(rule); err != nil {
			return se, fmt.Errorf("ice public ips: %w", err)
		}
	}
	if cfg.PortMin != 0 || cfg.PortMax != 0 {
		if err := se.SetEphemeralUDPPortRange(cfg.PortMin, cfg.PortMax); err != nil {
			return se, fmt.Errorf("ice port range: %w", err)
		}
	}
	if cfg.DisconnectedTimeout > 0 || cfg.FailedTimeout > 0 {
		d, f := cfg.DisconnectedTimeout, cfg.FailedTimeout
		orDuration(&d, 5*time.Second)
		orDuration(&f, 25*time.Second)
		se.SetICETimeouts(d, f, 2*time.Second)
	}
	return se, nil
}

// answerOffer creates the call's peer with a sendrecv audio track, applies
// the offer and returns the answer with every candidate gathered (there is
// no trickle ICE: the answer is all the client ever gets).
func (c *call) answerOffer(ctx context.Context, api *webrtc.API, offer string, gather time.Duration) (string, *apiError) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return "", serverError(err)
	}
	c.pc = pc
	if err := c.addOutboundTrack(); err != nil {
		return "", serverError(err)
	}
	c.hookPeer()
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", invalidOffer(err.Error())
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", invalidOffer(err.Error())
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return "", invalidOffer(err.Error())
	}
	timer := time.NewTimer(gather)
	defer timer.Stop()
	select {
	case <-gathered:
	case <-timer.C: // answer with the candidates found so far
	case <-ctx.Done():
		return "", invalidRequest(499, "request_cancelled", "", "The request was cancelled.")
	}
	return wideband(pc.LocalDescription().SDP), nil
}

// addOutboundTrack adds the interviewer's audio track: PCMU when the offer
// has it (the synthesiser's lines are sent on it), else an Opus track that
// stays silent, as in text mode.
func (c *call) addOutboundTrack() error {
	codec := opus
	if c.offer.pcmu {
		codec = pcmu
	}
	track, err := webrtc.NewTrackLocalStaticRTP(codec, "audio", "interviewd")
	if err != nil {
		return err
	}
	sender, err := c.pc.AddTrack(track)
	if err != nil {
		return err
	}
	c.speaker = newSpeaker(track, c.offer.pcmu)
	c.goTracked(func() { drainRTCP(sender.ReadRTCP) })
	return nil
}

func serverError(err error) *apiError {
	return newAPIError(http.StatusInternalServerError, "server_error", "", "",
		"The engine could not create the peer connection: "+err.Error())
}
