// The signature of an approved acta, behind one small interface so that another signer can take
// the built-in one's place without touching the session process: the session workflow only asks
// an activity to "sign the acta" and records the SHA-256 of what comes back.
//
// Built in: a PAdES signature (ETSI.CAdES.detached, with the ESS signing-certificate-v2
// attribute that PAdES baseline B requires) made here with a PKCS#12 key from configuration.
//
// Firma Perú (RENIEC certificates, signed through its own component) would be another
// ActaSigner: its `sign` would publish the unsigned PDF at a one-time address of the Mesa, hand the
// Secretaría Técnica's browser the parameters the Firma Perú component asks for (that address,
// the format PAdES, the signature's reason and place, and an upload address), let the person
// sign with the DNIe or certificate the component reads, and resolve with the PDF the component
// uploads back. README.md ("Firma de actas") describes it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Signer } from '@signpdf/utils';
import forge from 'node-forge';
import type { PDFDocument } from 'pdf-lib';
import { textPdf, winAnsi } from '../engine/text-pdf';

export interface ActaToSign {
  /** The acta's approved text. */
  text: string;
  title: string;
  /** Why and where, as the signature dictionary records them. */
  reason: string;
  location: string;
  signingTime: Date;
}

/** What every signer of actas does: from the approved acta, a signed PDF. */
export interface ActaSigner {
  /** Who signs, for the record (the certificate's subject). */
  readonly signerName: string;
  sign(acta: ActaToSign): Promise<Buffer>;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The acta as an A4 PDF, its text wrapped to the page (title and date in bold), with room for the signature's dictionary. */
export const actaPdf = (acta: ActaToSign): Promise<PDFDocument> =>
  textPdf({ title: acta.title, text: acta.text, at: acta.signingTime, bold: (i) => i < 2 });

const signingCertificateV2 = '1.2.840.113549.1.9.16.2.47';

/**
 * A CAdES signer for PAdES: the CMS SignedData of the PDF's byte range, with the signed
 * attributes content-type, message-digest, signing-time and signing-certificate-v2 (the SHA-256
 * of the signer's certificate), which binds the signature to that certificate.
 * SignPdf takes only subclasses of its own `Signer`, so the class is made once that module is loaded.
 */
function cadesSigner(base: typeof Signer) {
  return class CadesSigner extends base {
    constructor(private readonly key: forge.pki.PrivateKey, private readonly certificate: forge.pki.Certificate, private readonly chain: forge.pki.Certificate[]) {
      super();
    }

    override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
      const { asn1 } = forge;
      const der = asn1.toDer(forge.pki.certificateToAsn1(this.certificate)).getBytes();
      const certHash = forge.md.sha256.create().update(der).digest().getBytes();
      // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, ESSCertIDv2 with the
      // default hash algorithm (SHA-256) and no issuer serial.
      const essCertificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, certHash)]),
        ]),
      ]);
      const p7 = forge.pkcs7.createSignedData();
      p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
      for (const c of [this.certificate, ...this.chain]) p7.addCertificate(c);
      p7.addSigner({
        key: this.key as forge.pki.rsa.PrivateKey, certificate: this.certificate, digestAlgorithm: forge.pki.oids.sha256!,
        authenticatedAttributes: [
          { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
          { type: forge.pki.oids.messageDigest! },
          { type: forge.pki.oids.signingTime!, value: (signingTime ?? new Date()) as unknown as string },
          { type: signingCertificateV2, value: essCertificate as unknown as string },
        ],
      });
      p7.sign({ detached: true });
      return Buffer.from(asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
    }
  };
}

/**
 * PDF signing's modules, loaded with the first acta signed: most of the engine's starts sign none,
 * and they hold some megabytes of code (pdf-lib, @signpdf). The key is read at start, so a wrong
 * PKCS#12 stops the start, not the first signature.
 */
let signingModules: ReturnType<typeof loadSigning> | null = null;
async function loadSigning() {
  const [{ pdflibAddPlaceholder }, { SignPdf }, { Signer, SUBFILTER_ETSI_CADES_DETACHED }] = await Promise.all([
    import('@signpdf/placeholder-pdf-lib'), import('@signpdf/signpdf'), import('@signpdf/utils'),
  ]);
  return { pdflibAddPlaceholder, SignPdf, CadesSigner: cadesSigner(Signer), SUBFILTER_ETSI_CADES_DETACHED };
}

/** The built-in signer, from a PKCS#12 file's bytes and its passphrase. */
export function p12Signer(p12: Uint8Array, passphrase: string): ActaSigner {
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary'))), passphrase);
  const key = parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!]?.[0]?.key;
  const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []).map((b) => b.cert!).filter(Boolean);
  if (!key || certs.length === 0) throw new Error('El archivo PKCS#12 no tiene una clave privada y su certificado.');
  // The signer's certificate is the one whose public key matches the private key.
  const publicKey = forge.pki.setRsaPublicKey((key as forge.pki.rsa.PrivateKey).n, (key as forge.pki.rsa.PrivateKey).e);
  const own = certs.find((c) => forge.pki.publicKeyToPem(c.publicKey) === forge.pki.publicKeyToPem(publicKey)) ?? certs[0]!;
  const chain = certs.filter((c) => c !== own);
  const cn = own.subject.getField('CN') as { value?: string; valueTagClass?: number } | null;
  const signerName = cn?.value ? (cn.valueTagClass === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(cn.value) : cn.value) : 'Secretaría Técnica de la MTIGM';
  return {
    signerName,
    async sign(acta) {
      const { pdflibAddPlaceholder, SignPdf, CadesSigner, SUBFILTER_ETSI_CADES_DETACHED } = await (signingModules ??= loadSigning());
      const pdf = await actaPdf(acta);
      pdflibAddPlaceholder({
        pdfDoc: pdf, reason: winAnsi(acta.reason), location: winAnsi(acta.location), name: winAnsi(signerName), contactInfo: '',
        signingTime: acta.signingTime, subFilter: SUBFILTER_ETSI_CADES_DETACHED, signatureLength: 16_384,
      });
      const unsigned = Buffer.from(await pdf.save({ useObjectStreams: false }));
      return new SignPdf().sign(unsigned, new CadesSigner(key, own, chain), acta.signingTime);
    },
  };
}

export async function p12SignerFromFile(path: string, passphrase: string): Promise<ActaSigner> {
  return p12Signer(await readFile(path), passphrase);
}

/** A new RSA key and a self-signed certificate as a PKCS#12 file: the embedded default, and the tests'. */
export function newSigningP12(commonName: string, passphrase: string): Buffer {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 86_400_000);
  const subject = [
    // PrintableString, the default, holds no accents: the name goes without them.
    { name: 'commonName', value: commonName.normalize('NFD').replace(/\p{M}/gu, '') },
    { name: 'organizationName', value: 'MTIGM' }, { name: 'countryName', value: 'PE' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], passphrase, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}
