# syntax=docker/dockerfile:1
# FreeSWITCH built from source with the modules the daemon needs, mod_xml_curl among them (a default
# source build leaves it out), the stock (vanilla) configuration and the 8 kHz prompts and hold music.
# Build from the repository root:  docker build -f docker/freeswitch.Dockerfile -t fs-confd-freeswitch .
ARG DEBIAN_IMAGE=debian:bookworm-slim

FROM ${DEBIAN_IMAGE} AS build
ARG FREESWITCH_VERSION=v1.10.12
ARG SOFIA_SIP_VERSION=v1.13.17
ARG SPANDSP_REF=master
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential autoconf automake libtool libtool-bin pkg-config git ca-certificates wget \
      libssl-dev zlib1g-dev libjpeg-dev libtiff-dev libsqlite3-dev libcurl4-openssl-dev libpcre3-dev \
      libspeex-dev libspeexdsp-dev libedit-dev libopus-dev libsndfile1-dev uuid-dev yasm \
 && rm -rf /var/lib/apt/lists/*
RUN git clone --depth 1 --branch "${SOFIA_SIP_VERSION}" https://github.com/freeswitch/sofia-sip /usr/src/sofia-sip \
 && cd /usr/src/sofia-sip && ./bootstrap.sh && ./configure --prefix=/usr/local && make -j"$(nproc)" && make install
RUN git clone https://github.com/freeswitch/spandsp /usr/src/spandsp \
 && cd /usr/src/spandsp && git checkout "${SPANDSP_REF}" \
 && ./bootstrap.sh && ./configure --prefix=/usr/local && make -j"$(nproc)" && make install && ldconfig
RUN git clone --depth 1 --branch "${FREESWITCH_VERSION}" https://github.com/signalwire/freeswitch /usr/src/freeswitch
WORKDIR /usr/src/freeswitch
# exactly the modules in freeswitch/autoload_configs/modules.conf.xml
RUN ./bootstrap.sh -j && printf '%s\n' \
      loggers/mod_console loggers/mod_logfile xml_int/mod_xml_curl event_handlers/mod_event_socket \
      endpoints/mod_sofia endpoints/mod_loopback applications/mod_commands applications/mod_conference \
      applications/mod_db applications/mod_dptools applications/mod_expr applications/mod_hash \
      applications/mod_voicemail applications/mod_spandsp dialplans/mod_dialplan_xml codecs/mod_opus \
      formats/mod_sndfile formats/mod_native_file formats/mod_local_stream formats/mod_tone_stream \
      say/mod_say_en > modules.conf \
 && PKG_CONFIG_PATH=/usr/local/lib/pkgconfig ./configure --prefix=/usr/local/freeswitch \
 && make -j"$(nproc)" && make install && make samples && make sounds-install moh-install

FROM ${DEBIAN_IMAGE} AS run
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libssl3 zlib1g libjpeg62-turbo libtiff6 libsqlite3-0 libcurl4 libpcre3 libspeex1 \
      libspeexdsp1 libedit2 libopus0 libsndfile1 libuuid1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /usr/local/freeswitch --shell /usr/sbin/nologin freeswitch
COPY --from=build /usr/local/lib /usr/local/lib
COPY --from=build /usr/local/freeswitch /usr/local/freeswitch
RUN ldconfig && chown -R freeswitch:freeswitch /usr/local/freeswitch \
 && ln -s /usr/local/freeswitch/bin/freeswitch /usr/local/bin/freeswitch \
 && ln -s /usr/local/freeswitch/bin/fs_cli /usr/local/bin/fs_cli
# SIP (internal profile), the event socket; RTP uses 16384-32768/udp (see freeswitch/README.md)
EXPOSE 5060/udp 5060/tcp 8021/tcp
CMD ["freeswitch", "-nonat", "-nf", "-u", "freeswitch", "-g", "freeswitch"]
