import Link from 'next/link';
import { CopyField, CopySnippet } from '@/components/ui/copy-field';

/** "Use this dataset": the bucket name and ready-to-paste client setups for the S3-compatible endpoint. */
export function UseDataset({ bucket, endpoint }: { bucket: string; endpoint: string }) {
  const id = '<access key ID>';
  const secret = '<secret access key>';
  const snippets: [string, string][] = [
    ['aws CLI', `export AWS_ACCESS_KEY_ID=${id} AWS_SECRET_ACCESS_KEY=${secret} AWS_DEFAULT_REGION=us-east-1
aws --endpoint-url ${endpoint} s3 ls s3://${bucket}/
aws --endpoint-url ${endpoint} s3 sync s3://${bucket} ./${bucket}`],
    ['Python (boto3)', `import boto3
from botocore.config import Config

s3 = boto3.client("s3", endpoint_url="${endpoint}", region_name="us-east-1",
                  aws_access_key_id="${id}", aws_secret_access_key="${secret}",
                  config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
for obj in s3.list_objects_v2(Bucket="${bucket}").get("Contents", []):
    print(obj["Key"], obj["Size"])`],
    ['pandas / fsspec (s3fs)', `import pandas as pd

storage_options = {"key": "${id}", "secret": "${secret}",
                   "client_kwargs": {"endpoint_url": "${endpoint}"},
                   "config_kwargs": {"s3": {"addressing_style": "path"}}}
df = pd.read_csv("s3://${bucket}/path/to/file.csv", storage_options=storage_options)`],
    ['rclone', `# ~/.config/rclone/rclone.conf
[trove]
type = s3
provider = Other
access_key_id = ${id}
secret_access_key = ${secret}
endpoint = ${endpoint}
force_path_style = true

rclone ls trove:${bucket}
rclone mount trove:${bucket} /mnt/${bucket} --read-only`],
    ['s3fs-fuse mount', `echo "${id}:${secret}" > ~/.passwd-trove && chmod 600 ~/.passwd-trove
mkdir -p /mnt/${bucket}
s3fs ${bucket} /mnt/${bucket} -o ro,passwd_file=$HOME/.passwd-trove,url=${endpoint},use_path_request_style`],
    ['Docker / Kubernetes (read-only)', `# Mount on the host with a read-only key (s3fs or rclone above), then hand it in read-only:
docker run --rm -v /mnt/${bucket}:/data:ro python:3.12 ls /data

# Kubernetes: the same host mount as a read-only volume
volumes:
  - name: dataset
    hostPath: { path: /mnt/${bucket}, type: Directory }
containers:
  - name: job
    volumeMounts: [{ name: dataset, mountPath: /data, readOnly: true }]`],
  ];
  return (
    <section aria-labelledby="use-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-5">
      <h2 id="use-heading" className="text-lg font-semibold">Use this dataset</h2>
      <p className="text-sm text-slate-700">
        Read (and, with your role, write) this dataset with S3 tools. Create a key under{' '}
        <Link href="/account#access-keys" className="text-indigo-700 underline">Access keys</Link> (a read-only key limited to this dataset is safest for jobs), then paste it below.
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <CopyField label="Bucket" value={bucket} />
        <CopyField label="S3 endpoint" value={endpoint} />
      </div>
      <details className="space-y-3">
        <summary className="cursor-pointer text-sm font-medium text-indigo-700">Snippets: aws CLI, boto3, pandas, rclone, s3fs, Docker/Kubernetes</summary>
        <div className="mt-3 space-y-4">
          {snippets.map(([title, code]) => <CopySnippet key={title} title={title} code={code} />)}
        </div>
      </details>
    </section>
  );
}
