/* Reading audio with libsndfile (WAV, AIFF, FLAC, Ogg Vorbis/Opus, MP3, ...)
 * as a stream of mono float32 samples: librosa.load's channel mixdown,
 * offset, duration and resampling.  Plain WAV files are read by wav_read.c
 * instead, with the same samples, and libsndfile is then not loaded.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sndfile_lib.h"

#define BLOCK 4096

static const struct {
    int code;
    const char *name;
} formats[] = {
    {SF_FORMAT_WAV, "WAV"},   {SF_FORMAT_AIFF, "AIFF"}, {SF_FORMAT_AU, "AU"},
    {SF_FORMAT_RAW, "RAW"},   {SF_FORMAT_W64, "W64"},   {SF_FORMAT_WAVEX, "WAVEX"},
    {SF_FORMAT_FLAC, "FLAC"}, {SF_FORMAT_CAF, "CAF"},   {SF_FORMAT_OGG, "OGG"},
    {SF_FORMAT_RF64, "RF64"}, {SF_FORMAT_MPEG, "MP3"},  {SF_FORMAT_NIST, "NIST"},
    {SF_FORMAT_VOC, "VOC"},   {SF_FORMAT_IRCAM, "IRCAM"},
}, subtypes[] = {
    {SF_FORMAT_PCM_S8, "PCM_S8"},   {SF_FORMAT_PCM_16, "PCM_16"},
    {SF_FORMAT_PCM_24, "PCM_24"},   {SF_FORMAT_PCM_32, "PCM_32"},
    {SF_FORMAT_PCM_U8, "PCM_U8"},   {SF_FORMAT_FLOAT, "FLOAT"},
    {SF_FORMAT_DOUBLE, "DOUBLE"},   {SF_FORMAT_ULAW, "ULAW"},
    {SF_FORMAT_ALAW, "ALAW"},       {SF_FORMAT_IMA_ADPCM, "IMA_ADPCM"},
    {SF_FORMAT_MS_ADPCM, "MS_ADPCM"}, {SF_FORMAT_GSM610, "GSM610"},
    {SF_FORMAT_VORBIS, "VORBIS"},   {SF_FORMAT_OPUS, "OPUS"},
    {SF_FORMAT_MPEG_LAYER_I, "MPEG_LAYER_I"},
    {SF_FORMAT_MPEG_LAYER_II, "MPEG_LAYER_II"},
    {SF_FORMAT_MPEG_LAYER_III, "MPEG_LAYER_III"},
};

static void name_of(int code, int is_subtype, char *out, size_t size)
{
    size_t n = is_subtype ? sizeof subtypes / sizeof subtypes[0]
                          : sizeof formats / sizeof formats[0];
    for (size_t i = 0; i < n; i++) {
        int c = is_subtype ? subtypes[i].code : formats[i].code;
        if (c == code) {
            snprintf(out, size, "%s", is_subtype ? subtypes[i].name : formats[i].name);
            return;
        }
    }
    snprintf(out, size, "0x%x", (unsigned)code);
}

/* libsndfile reads what a truncated file holds and notes the difference in
 * its log, as "data : 200000 (should be 1000)" (WAV) or "SSND : ..." (AIFF). */
static int declares_missing_data(const sono__sndfile *lib, SNDFILE *sf)
{
    char log[8192];
    log[0] = '\0';
    lib->command(sf, SFC_GET_LOG_INFO, log, sizeof log);
    for (const char *line = log; line && *line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if ((strncmp(line, "data", 4) == 0 || strncmp(line, "SSND", 4) == 0) &&
            strstr(line, "(should be") && strstr(line, "(should be") < strchr(line, '\n'))
            return 1;
    }
    return 0;
}

/* The channel count a header declared, from libsndfile's log of an open
 * that failed ("  Channels      : 2000" in every container's log); 0 when
 * the log names none.  libsndfile refuses more than SONO_MAX_CHANNELS
 * channels without saying so in its error code's public range. */
static long declared_channels(const sono__sndfile *lib)
{
    char log[8192];
    log[0] = '\0';
    lib->command(NULL, SFC_GET_LOG_INFO, log, sizeof log);
    for (const char *line = log; line && *line; line = strchr(line, '\n')) {
        line += strspn(line, "\n ");
        if (strncmp(line, "Channels", 8) != 0)
            continue;
        const char *v = line + 8 + strspn(line + 8, " ");
        if (*v != ':')
            continue;
        v += 1 + strspn(v + 1, " ");
        long n = 0;
        for (; *v >= '0' && *v <= '9' && n < 1000000000L; v++)
            n = 10 * n + (*v - '0');
        return n;
    }
    return 0;
}

/* Opens with libsndfile and checks what a decoder may claim (the file was
 * opened already, by wav_read.c: a file that cannot be is SONO_ERR_IO
 * there).  A file of more channels than libsndfile reads is
 * SONO_ERR_TOO_LARGE, with the declared count in info->channels when known
 * (0 otherwise). */
static SNDFILE *open_checked(const sono__sndfile *lib, const char *path, sono_audio_info *info,
                             int *err)
{
    SF_INFO sfi;
    memset(&sfi, 0, sizeof sfi);
    SNDFILE *sf = lib->open(path, SFM_READ, &sfi);
    if (!sf) {
        long channels = declared_channels(lib);
        *err = lib->error(NULL) == SF_ERR_SYSTEM ? SONO_ERR_IO
               : channels > SONO_MAX_CHANNELS    ? SONO_ERR_TOO_LARGE
                                                 : SONO_ERR_FORMAT;
        if (*err == SONO_ERR_TOO_LARGE)
            info->channels = channels > INT32_MAX ? INT32_MAX : (int)channels;
        return NULL;
    }
    if (sfi.channels < 1 || sfi.samplerate < 1) {
        lib->close(sf);
        *err = SONO_ERR_FORMAT;
        return NULL;
    }
    info->sample_rate = sfi.samplerate;
    info->channels = sfi.channels;
    info->frames = sfi.frames >= 0 && sfi.frames < SF_COUNT_MAX ? sfi.frames : -1;
    info->truncated = declares_missing_data(lib, sf);
    name_of(sfi.format & SF_FORMAT_TYPEMASK, 0, info->format, sizeof info->format);
    name_of(sfi.format & SF_FORMAT_SUBMASK, 1, info->subtype, sizeof info->subtype);
    return sf;
}

/* A file open in one of the two decoders: wav_read.c's or libsndfile. */
typedef struct decoder {
    sono__wav *wav;
    const sono__sndfile *lib;
    SNDFILE *sf;
} decoder;

static int decoder_open(decoder *d, const char *path, sono_audio_info *info)
{
    int err;
    memset(d, 0, sizeof *d);
    memset(info, 0, sizeof *info);
    info->frames = -1;
    /* wav_read.c first: it also tells a file that cannot be opened. */
    if ((d->wav = sono__wav_open(path, info, &err)) || err != SONO_OK)
        return err;
    if (!(d->lib = sono__sndfile_lib()))
        return SONO_ERR_LIBRARY;
    d->sf = open_checked(d->lib, path, info, &err);
    return d->sf ? SONO_OK : err;
}

static void decoder_close(decoder *d)
{
    sono__wav_close(d->wav);
    if (d->sf)
        d->lib->close(d->sf);
}

/* SONO_OK when the decoder went to frame `start`; otherwise the caller
 * decodes up to it. */
static int decoder_seek(decoder *d, long long start)
{
    if (d->wav)
        return sono__wav_seek(d->wav, start);
    SF_INFO tmp;
    d->lib->command(d->sf, SFC_GET_CURRENT_SF_INFO, &tmp, sizeof tmp);
    return tmp.seekable && d->lib->seek(d->sf, start, SEEK_SET) >= 0 ? SONO_OK : SONO_ERR_IO;
}

/* Up to n interleaved frames; 0 at the end or on an error (in *err). */
static long long decoder_read(decoder *d, float *out, long long n, int *err)
{
    *err = SONO_OK;
    if (d->wav)
        return sono__wav_read(d->wav, out, n, err);
    sf_count_t got = d->lib->readf_float(d->sf, out, n);
    if (got <= 0 && d->lib->error(d->sf) != SF_ERR_NO_ERROR)
        *err = SONO_ERR_FORMAT;
    return got > 0 ? got : 0;
}

int sono_audio_probe(const char *path, sono_audio_info *info)
{
    if (!path || !info)
        return SONO_ERR_INVALID;
    decoder d;
    int err = decoder_open(&d, path, info);
    decoder_close(&d);
    return err;
}

void sono_source_params_default(sono_source_params *p)
{
    p->channel = SONO_CHANNEL_MIX;
    p->offset = 0.0;
    p->duration = -1.0;
    p->sample_rate = 0.0;
    p->max_channels = 0;
    p->max_samples = 0;
}

static int valid_params(const sono_source_params *p)
{
    return p && !isnan(p->offset) && p->offset >= 0 && !isinf(p->offset) &&
           !isnan(p->duration) && !isinf(p->duration) && !isnan(p->sample_rate) &&
           p->sample_rate >= 0 && !isinf(p->sample_rate) && p->channel >= -1 &&
           p->max_channels >= 0 && p->max_channels <= SONO_MAX_CHANNELS;
}

static int max_channels_of(const sono_source_params *p)
{
    return p->max_channels > 0 ? p->max_channels : SONO_MAX_CHANNELS;
}

static uint64_t max_samples_of(const sono_source_params *p)
{
    return p->max_samples > 0 ? p->max_samples : SONO_MAX_SAMPLES;
}

/* seconds * rate truncated, as librosa (soundfile) does, held below 2^62 so
 * that an offset or duration of years cannot overflow the frame counts. */
static long long frames_of(double seconds, double rate)
{
    double f = seconds * rate;
    return f < 4611686018427387904.0 ? (long long)f : 4611686018427387904LL;
}

/* Output samples of the selection, from the header's frame count. */
static int64_t selection_length(const sono_audio_info *info,
                                const sono_source_params *p)
{
    if (info->frames < 0)
        return -1;
    long long start = frames_of(p->offset, info->sample_rate);
    long long n = info->frames > start ? info->frames - start : 0;
    if (p->duration >= 0 && frames_of(p->duration, info->sample_rate) < n)
        n = frames_of(p->duration, info->sample_rate);
    if (p->sample_rate > 0 && p->sample_rate != info->sample_rate) {
        /* As the source cuts its output: ceil(n * ratio), in double. */
        double out = ceil((double)n * (p->sample_rate / info->sample_rate));
        return out < 4611686018427387904.0 ? (int64_t)out : INT64_MAX;
    }
    return n;
}

int sono_source_check(const sono_audio_info *info, const sono_source_params *p,
                      int64_t *samples)
{
    if (samples)
        *samples = -1;
    if (!info || !valid_params(p) || info->channels < 1 || !(info->sample_rate > 0))
        return SONO_ERR_INVALID;
    if (info->channels > max_channels_of(p))
        return SONO_ERR_TOO_LARGE;
    int64_t n = selection_length(info, p);
    if (samples)
        *samples = n;
    return n >= 0 && (uint64_t)n > max_samples_of(p) ? SONO_ERR_TOO_LARGE : SONO_OK;
}

struct sono_source {
    decoder in;
    sono_audio_info info;
    sono_source_params p;
    double out_rate;
    long long remaining;      /* native frames still to read; -1: to the end */
    int input_done;
    float *interleaved;       /* BLOCK frames */
    float *mono;              /* BLOCK samples */
    long long position;       /* native frames read, for error positions */

    sono__resampler *rs;      /* NULL at the native rate */
    double ratio;
    size_t consumed;          /* mono samples given to the resampler */
    size_t emitted;           /* resampled samples handed out */
    size_t ipos, ilen;        /* pending mono input */
    float *obuf;
    size_t olen, opos;
    int flushed;

    uint64_t yielded;         /* samples handed out, against max_samples */
    int too_long;             /* the stream went past max_samples */
};

sono_source *sono_source_open(const char *path, const sono_source_params *p,
                              int *err)
{
    int status = SONO_ERR_INVALID;
    sono_source *s = NULL;
    if (!path || !valid_params(p))
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(s = sono__calloc(1, sizeof *s)))
        goto fail;
    s->p = *p;
    if ((status = decoder_open(&s->in, path, &s->info)) != SONO_OK)
        goto fail;
    /* The limits before the channel: a file of 2000 channels is too large
     * whichever one is asked for. */
    if ((status = sono_source_check(&s->info, p, NULL)) != SONO_OK)
        goto fail;
    status = SONO_ERR_INVALID;
    if (p->channel >= s->info.channels)
        goto fail;
    status = SONO_ERR_NOMEM;
    s->interleaved = sono__malloc_array2(BLOCK, (size_t)s->info.channels,
                                         sizeof(float));
    s->mono = sono__malloc_array(BLOCK, sizeof(float));
    s->obuf = sono__malloc_array(BLOCK, sizeof(float));
    if (!s->interleaved || !s->mono || !s->obuf)
        goto fail;
    /* librosa (soundfile) truncates offset * rate and duration * rate. */
    double sr = s->info.sample_rate;
    long long start = frames_of(p->offset, sr);
    s->remaining = p->duration >= 0 ? frames_of(p->duration, sr) : -1;
    if (start > 0) {
        if (s->info.frames >= 0 && start >= s->info.frames) {
            s->input_done = 1;
        } else if (decoder_seek(&s->in, start) != SONO_OK) {
            /* Not seekable: decode and drop. */
            for (long long left = start; left > 0;) {
                int e;
                long long n = decoder_read(&s->in, s->interleaved,
                                           left < BLOCK ? left : BLOCK, &e);
                if (n <= 0) {
                    s->input_done = 1;
                    break;
                }
                left -= n;
            }
        }
    }
    s->position = start;
    s->out_rate = sr;
    if (p->sample_rate > 0 && p->sample_rate != sr) {
        s->out_rate = p->sample_rate;
        s->ratio = p->sample_rate / sr;
        if (!(s->rs = sono__resampler_new(sr, p->sample_rate, &status)))
            goto fail;
    }
    return s;
fail:
    sono_source_close(s);
    if (err)
        *err = status;
    return NULL;
}

void sono_source_close(sono_source *s)
{
    if (!s)
        return;
    decoder_close(&s->in);
    sono__resampler_free(s->rs);
    sono__free(s->interleaved);
    sono__free(s->mono);
    sono__free(s->obuf);
    sono__free(s);
}

double sono_source_rate(const sono_source *s)
{
    return s->out_rate;
}

const sono_audio_info *sono_source_info(const sono_source *s)
{
    return &s->info;
}

/* Up to max mono samples at the file's rate. */
/* One channel of n interleaved frames of ch, or (channel < 0) their mean
 * as numpy's: a float32 sum from 0 in channel order, then the division.
 * Mono and stereo, nearly every file, get loops of their own, which
 * vectorise.  Finite samples near the float32 limit can overflow that sum
 * (numpy gives inf there); their mean itself is finite, so it is taken
 * again in double and the promise of finite samples holds.  Found by the
 * audio fuzzer: 24 channels of 1e38. */
static void mix(const float *in, size_t n, int ch, int channel, float *out)
{
    if (channel >= 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = in[i * (size_t)ch + (size_t)channel];
        return;
    }
    if (ch == 1) {
        for (size_t i = 0; i < n; i++)
            out[i] = (0.0f + in[i]) / 1.0f;
        return;
    }
    if (ch == 2) {
        for (size_t i = 0; i < n; i++)
            out[i] = ((0.0f + in[2 * i]) + in[2 * i + 1]) / 2.0f;
    } else {
        for (size_t i = 0; i < n; i++) {
            const float *f = in + i * (size_t)ch;
            float sum = 0.0f;
            for (int c = 0; c < ch; c++)
                sum += f[c];
            out[i] = sum / (float)ch;
        }
    }
    if (sono_check_finite(out, n, NULL) == SONO_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(out[i]))
            continue;
        const float *f = in + i * (size_t)ch;
        double d = 0.0;
        for (int c = 0; c < ch; c++)
            d += f[c];
        out[i] = (float)(d / ch);
    }
}

static size_t read_native(sono_source *s, float *out, size_t max, int *err)
{
    if (s->input_done)
        return 0;
    long long want = (long long)(max < BLOCK ? max : BLOCK);
    if (s->remaining >= 0 && want > s->remaining)
        want = s->remaining;
    if (want == 0) {
        s->input_done = 1;
        return 0;
    }
    long long n = decoder_read(&s->in, s->interleaved, want, err);
    if (n <= 0) {
        s->input_done = 1;
        return 0;
    }
    int ch = s->info.channels;
    size_t bad;
    if (sono_check_finite(s->interleaved, (size_t)n * (size_t)ch, &bad) != SONO_OK) {
        s->position += (long long)(bad / (size_t)ch);
        *err = SONO_ERR_NONFINITE;
        s->input_done = 1;
        return 0;
    }
    mix(s->interleaved, (size_t)n, ch, s->p.channel, out);
    s->position += n;
    if (s->remaining >= 0)
        s->remaining -= n;
    return (size_t)n;
}

/* Refills obuf from the resampler.  At the end the output is cut or
 * zero-padded to exactly ceil(consumed * ratio) samples, as librosa's
 * resample does with fix_length.  Returns 0 on an error (in *err). */
static int refill(sono_source *s, int *err)
{
    s->olen = s->opos = 0;
    while (s->olen == 0) {
        size_t produced = 0;
        if (s->ipos == s->ilen && !s->input_done) {
            s->ilen = read_native(s, s->mono, BLOCK, err);
            s->ipos = 0;
            if (*err)
                return 0;
            continue;
        }
        if (s->ipos < s->ilen) {
            size_t used = 0;
            if (sono__resample(s->rs, s->mono + s->ipos, s->ilen - s->ipos,
                               &used, s->obuf, BLOCK, &produced) != SONO_OK) {
                *err = SONO_ERR_INVALID;
                return 0;
            }
            s->ipos += used;
            s->consumed += used;
            s->olen = produced;
            continue;
        }
        size_t target = (size_t)ceil((double)s->consumed * s->ratio);
        if (!s->flushed) {
            sono__resample(s->rs, NULL, 0, NULL, s->obuf, BLOCK, &produced);
            s->olen = produced;
            s->flushed = produced == 0;
        }
        if (s->flushed && s->emitted < target) {
            size_t pad = target - s->emitted;
            s->olen = pad < BLOCK ? pad : BLOCK;
            memset(s->obuf, 0, s->olen * sizeof(float));
        }
        if (s->emitted + s->olen > target)
            s->olen = target > s->emitted ? target - s->emitted : 0;
        if (s->flushed && s->olen == 0)
            return 1;
        if (s->olen == 0)
            s->flushed = 1; /* cut: the rest of the flush is not wanted */
    }
    return 1;
}

size_t sono_source_read(sono_source *s, float *out, size_t max, int *err)
{
    int e = SONO_OK;
    size_t count = 0;
    if (!s || !out) {
        if (err)
            *err = SONO_ERR_INVALID;
        return 0;
    }
    /* One sample past the limit is enough to know that the stream (whose
     * header understated it, or did not say) is longer. */
    uint64_t left = max_samples_of(&s->p) - s->yielded;
    if (max > left && left < SIZE_MAX)
        max = (size_t)left + 1;
    if (s->too_long) {
        e = SONO_ERR_TOO_LARGE;
    } else if (!s->rs) {
        count = read_native(s, out, max, &e);
    } else {
        while (count < max) {
            if (s->opos == s->olen) {
                if (!refill(s, &e) || s->olen == 0)
                    break;
            }
            size_t n = s->olen - s->opos;
            if (n > max - count)
                n = max - count;
            memcpy(out + count, s->obuf + s->opos, n * sizeof(float));
            s->opos += n;
            s->emitted += n;
            count += n;
        }
    }
    if (e == SONO_OK && count > left) {
        s->too_long = 1;
        e = SONO_ERR_TOO_LARGE;
    }
    if (e == SONO_OK)
        s->yielded += count;
    if (err)
        *err = e;
    return e ? 0 : count;
}

int sono_load(const char *path, const sono_source_params *p, sono_signal *out)
{
    int err = SONO_OK;
    if (!out)
        return SONO_ERR_INVALID;
    memset(out, 0, sizeof *out);
    sono_source *s = sono_source_open(path, p, &err);
    if (!s)
        return err;
    /* Doubling, but never past one sample more than the limit: the source
     * refuses to go further, so a header cannot make this grow beyond it. */
    uint64_t most = max_samples_of(p);
    most += most < UINT64_MAX;
    size_t cap = most < ((size_t)1 << 16) ? (size_t)most : (size_t)1 << 16, n = 0;
    float *data = sono__malloc_array(cap, sizeof(float));
    while (data) {
        if (n == cap) {
            size_t grown = cap > SIZE_MAX / 2 ? SIZE_MAX : 2 * cap;
            if (grown > most)
                grown = (size_t)most;
            float *d = grown > cap ? sono__realloc_array(data, grown, sizeof(float))
                                   : NULL;
            if (!d) {
                sono__free(data);
                data = NULL;
                err = grown > cap ? SONO_ERR_NOMEM : SONO_ERR_TOO_LARGE;
                break;
            }
            data = d;
            cap = grown;
        }
        size_t got = sono_source_read(s, data + n, cap - n, &err);
        if (err || got == 0)
            break;
        n += got;
    }
    double rate = sono_source_rate(s);
    sono_source_close(s);
    if (!data)
        return err != SONO_OK ? err : SONO_ERR_NOMEM;
    if (err) {
        sono__free(data);
        return err;
    }
    out->data = sono__malloc(sizeof(float *));
    if (!out->data) {
        sono__free(data);
        return SONO_ERR_NOMEM;
    }
    out->data[0] = data;
    out->channels = 1;
    out->frames = n;
    out->sample_rate = rate;
    return SONO_OK;
}
