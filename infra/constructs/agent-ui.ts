import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  Signing,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  type IUserPool,
  ManagedLoginVersion,
  OAuthScope,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { REPO_ROOT } from './frontdoor-function';

/** Where the app lives on the distribution (Vite's `base`), and its key prefix in the bucket. */
export const APP_PATH = '/app/';
/** The agent API, routed through the same distribution to the HTTP API: one origin, no CORS. */
export const API_PATH_PATTERN = '/v1/*';
/** What the agent UI asks Cognito for: an id token with the agent's email and name. */
export const AGENT_UI_SCOPES = ['openid', 'email', 'profile'] as const;

/** `/app/config.json`, the SPA's runtime configuration (the `AppConfig` of `ui/src/types.ts`, cognito mode). */
export interface AgentUiConfig {
  readonly auth: {
    readonly mode: 'cognito';
    /** Hosted login domain without scheme: `<prefix>.auth.<region>.amazoncognito.com`. */
    readonly domain: string;
    readonly clientId: string;
    readonly redirectUri: string;
    readonly logoutUri: string;
    readonly scopes: readonly string[];
  };
  /** Base of the agent API, without a trailing slash (the SPA appends `/v1/…`). */
  readonly apiBaseUrl: string;
}

/** The agent UI cannot be built or deployed as configured (no Vite, a failed build, a bad prop). */
export class AgentUiError extends Error {
  public override readonly name = 'AgentUiError';
  public readonly code = 'INFRA.AGENT_UI';
}

export interface AgentUiProps {
  /** Deployment stage, part of physical names (CloudFront function and policies are named per account). */
  readonly stage: string;
  /** The agents' user pool: the construct adds the hosted-login domain and the agent UI's app client. */
  readonly userPool: IUserPool;
  /** The HTTP API stage that serves `/v1/*`; the distribution forwards those paths to it. */
  readonly apiStage: IHttpStage;
  /**
   * Prefix of the Cognito hosted-login domain (`<prefix>.auth.<region>.amazoncognito.com`): lowercase
   * letters, digits and hyphens, globally unique per region, without `aws`, `amazon` or `cognito`.
   * @default `frontdoor-<stage>-<account id>`
   */
  readonly domainPrefix?: string;
  /**
   * Key that encrypts the log group of the deployment function. Its key policy must let CloudWatch Logs use it.
   * @default - the CloudWatch Logs service key
   */
  readonly logKey?: IKey;
  /**
   * The Vite project to build at synth time (`vite build --config <dir>/vite.config.ts`, base `/app/`).
   * @default `<repository>/ui`
   */
  readonly uiSourceDir?: string;
  /**
   * An already built UI (`index.html` at its root, hashed files under `assets/`) to deploy instead of
   * building `uiSourceDir`, e.g. in tests or when CI built it once.
   * @default - build `uiSourceDir` at synth time
   */
  readonly prebuiltUiDir?: string;
}

/**
 * The agent UI in AWS: the SPA in a private bucket behind CloudFront, signed in through Cognito's hosted
 * login (authorization code + PKCE), talking to the agent API through the same distribution.
 *
 * - **Bucket** — private (no public access, bucket-owner objects, TLS only), S3-managed encryption, no
 *   versioning, server access logs. CloudFront reads it through an Origin Access Control; the bucket policy
 *   allows `s3:GetObject` to this distribution only.
 * - **Distribution** — `/app/*` from the bucket (a viewer-request CloudFront Function redirects `/` and
 *   `/app` to `/app/` and serves `/app/index.html` for app routes), `/v1/*` to the HTTP API uncached with
 *   every viewer header but Host (so `Authorization` and `If-Match` reach it). Security headers on every
 *   response, standard logs to the logs bucket.
 * - **Sign-in** — a Cognito prefix domain (classic hosted UI) and the agent UI's public app client: code
 *   grant only, no secret, callback and logout URL `https://<distribution>/app/`.
 * - **Deployment** — the UI is built by Vite at synth time (no Docker) and uploaded by two BucketDeployments
 *   that share one handler: hashed files under `app/assets/` (immutable, never pruned, so open tabs can
 *   still load the chunks they know) and, after them, the shell (`index.html`, `config.json`: revalidated
 *   on every load, pruned).
 */
export class AgentUi extends Construct {
  /** Holds the built app under `app/`. */
  public readonly bucket: Bucket;
  /** CloudFront standard logs (`cloudfront/`) and the app bucket's server access logs (`s3/`). */
  public readonly logsBucket: Bucket;
  public readonly distribution: Distribution;
  /** The agent UI's app client, created in the user pool's scope as `AgentUiClient`. */
  public readonly userPoolClient: UserPoolClient;
  public readonly userPoolDomain: UserPoolDomain;
  /** `https://<distribution domain>/app/`: the app, its OAuth callback and its logout URL. */
  public readonly appUrl: string;
  /** `<prefix>.auth.<region>.amazoncognito.com`, the hosted login. */
  public readonly cognitoDomain: string;
  /** What is deployed as `app/config.json` (with deploy-time values). */
  public readonly appConfig: AgentUiConfig;

  public constructor(scope: Construct, id: string, props: AgentUiProps) {
    super(scope, id);
    // Server access logs are delivered under a bucket policy for logging.s3.amazonaws.com, as in the
    // stateful stack. Set before any child exists, so the logs bucket below picks it up.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const { stage } = props;
    const stack = Stack.of(this);

    const ui = uiSource(props);

    this.userPoolDomain = new UserPoolDomain(this, 'CognitoDomain', {
      userPool: props.userPool,
      cognitoDomain: { domainPrefix: domainPrefix(props, stack) },
      // The classic hosted UI needs no branding resource; it handles invitations, TOTP setup and MFA.
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    this.cognitoDomain = `${this.userPoolDomain.domainName}.auth.${stack.region}.amazoncognito.com`;

    this.logsBucket = new Bucket(this, 'LogsBucket', {
      // S3 server access logs can only be delivered to a bucket with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logging delivers with an ACL grant, so ACLs stay enabled (owner-preferred).
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(365) }],
      // Like the stateful stack's logs: CloudFormation could not delete it while it holds logs anyway.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No access logs of its own (and no AwsSolutions-S1 finding): cdk-nag accepts a bucket that is a log target.

    this.bucket = new Bucket(this, 'Bucket', {
      // The content is the public SPA (anyone can fetch it through CloudFront) and its public config; with
      // the stack key, CloudFront would need a key policy grant in the stateful stack for no secrecy gained.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Build output, reproducible from git: a rollback is a deployment of the previous commit.
      versioned: false,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 's3/',
      lifecycleRules: [{ id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      // BucketDeployment keeps what it uploaded when it is deleted (retainOnDelete), so the bucket is never
      // empty when the stack goes; a bucket left behind beats a stack deletion that fails.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `frontdoor-${stage}-agent-ui-security-headers`,
      comment: `Frontdoor ${stage} agent UI: HSTS, CSP, no framing, no sniffing, no referrer`,
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(this.cognitoDomain),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // The OAuth code arrives in the app's query string: never send the URL anywhere.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        // The legacy XSS auditor is disabled ("0"), as current guidance recommends; the CSP does that job.
        xssProtection: { protection: false, override: true },
      },
    });

    const routing = new EdgeFunction(this, 'Routing', {
      functionName: `frontdoor-${stage}-agent-ui-routing`,
      comment: 'Redirects / to /app/; serves /app/index.html for routes of the app',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(ROUTING_FUNCTION),
    });

    const { apiStage } = props;
    const apiOrigin = new HttpOrigin(`${apiStage.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      ...(apiStage.stageName === '$default' ? {} : { originPath: `/${apiStage.stageName}` }),
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Frontdoor ${stage}: agent UI (/app/) and agent API (/v1/*)`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessControl: new S3OriginAccessControl(this, 'OriginAccessControl', {
            originAccessControlName: `frontdoor-${stage}-agent-ui`,
            description: `Frontdoor ${stage}: CloudFront reads the agent UI bucket`,
            signing: Signing.SIGV4_ALWAYS,
          }),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: routing, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors: {
        [API_PATH_PATTERN]: {
          origin: apiOrigin,
          // No redirect: a POST redirected to https would arrive as a GET.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Never cached; with caching disabled the all-viewer policy also forwards Authorization.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
        },
      },
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Agents may work from any country, and the app is useless without a Cognito sign-in (MFA required); an operator who knows where agents are can add a geo restriction.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'A web ACL for CloudFront must be created in us-east-1 and the stack is region-agnostic; the static files are public by design, the API behind /v1/* checks a JWT (or a webhook HMAC) on every request and is throttled by its stage.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the security policy; a minimum of TLSv1.2_2021 needs a custom domain with an ACM certificate in us-east-1.',
    });

    this.appUrl = `https://${this.distribution.distributionDomainName}${APP_PATH}`;
    this.userPoolClient = props.userPool.addClient('AgentUiClient', {
      userPoolClientName: `frontdoor-${stage}-agent-ui`,
      // A public client: the SPA cannot keep a secret, so it proves itself with PKCE instead.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        // Code grant only: no implicit grant (tokens in URLs), no client credentials.
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        // No localhost URL: locally the UI signs in with the runtime's dev users, never with Cognito.
        callbackUrls: [this.appUrl],
        logoutUrls: [this.appUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });

    this.appConfig = {
      auth: {
        mode: 'cognito',
        domain: this.cognitoDomain,
        clientId: this.userPoolClient.userPoolClientId,
        redirectUri: this.appUrl,
        logoutUri: this.appUrl,
        scopes: [...AGENT_UI_SCOPES],
      },
      apiBaseUrl: `https://${this.distribution.distributionDomainName}`,
    };
    this.deploy(stage, ui, props.logKey);
  }

  /**
   * Two deployments with one handler (own role, no managed policy, own encrypted log group): the hashed
   * files first, then the shell that refers to them. Both keep their files when deleted (aws-cdk-lib's
   * default `retainOnDelete`), so a renamed deployment can never remove what its successor uploaded.
   */
  private deploy(stage: string, ui: ISource, logKey: IKey | undefined): void {
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Uploads the Frontdoor ${stage} agent UI to its bucket (BucketDeployment handler)`,
    });
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      logGroupName: `/frontdoor/${stage}/agent-ui-deployment`,
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: logKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(role);

    const destinationKeyPrefix = APP_PATH.slice(1);
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [ui],
      destinationBucket: this.bucket,
      destinationKeyPrefix,
      exclude: ['*'],
      include: ['assets/*'],
      // Old chunks stay: a tab opened before the deployment still loads the files its index.html named.
      prune: false,
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
      role,
      logGroup,
    });
    const shell = new BucketDeployment(this, 'DeployApp', {
      sources: [ui, Source.jsonData('config.json', this.appConfig)],
      destinationBucket: this.bucket,
      destinationKeyPrefix,
      // Excluded files are neither uploaded nor pruned: the hashed files belong to the other deployment.
      exclude: ['assets/*'],
      prune: true,
      // Revalidated on every load (CloudFront keeps them one second): a deployment shows at once, no invalidation.
      cacheControl: [CacheControl.noCache()],
      role,
      logGroup,
    });
    shell.node.addDependency(assets);

    const bucketObjects = nagFlatten(Stack.of(this).resolve(this.bucket.arnForObjects('*')));
    const reasons: Record<string, string> = {
      'Action::s3:GetObject*':
        'reads its source zips from the CDK asset bucket and compares objects while syncing',
      'Action::s3:GetBucket*': 'reads the location and settings of the asset and app buckets during the sync',
      'Action::s3:List*': 'lists the app prefix to compute the sync and prune',
      'Action::s3:DeleteObject*': 'prunes files of the app shell that the new build no longer has',
      'Action::s3:Abort*': 'aborts its own multipart uploads of large files when a sync fails',
      [`Resource::${bucketObjects}`]:
        'writes every file of the build under app/; the file names are content hashes known only after the build',
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*':
        'reads the zipped build from the CDK bootstrap asset bucket, whose object keys are asset hashes',
    };
    for (const [finding, reason] of Object.entries(reasons)) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `The BucketDeployment handler ${reason}; these are the grants aws-cdk-lib gives it, on the two buckets only.`,
      });
    }
    const handler = Stack.of(this)
      .node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))
      .at(0);
    if (!handler) throw new AgentUiError('the BucketDeployment handler was not found in the stack');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The BucketDeployment handler (Python with the AWS CLI layer) is aws-cdk-lib’s own; its runtime moves with aws-cdk-lib upgrades, not with this project.',
    });
  }
}

/**
 * Viewer-request routing of the bucket behaviour (CloudFront Functions, cloudfront-js-2.0). Custom error
 * responses would do the SPA fallback too, but they apply to the whole distribution and would turn the
 * API's own 403 and 404 answers under /v1/* into index.html.
 */
const ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '/app') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/app/' } } };
  }
  if (uri.indexOf('/app/') !== 0) {
    return { statusCode: 404, statusDescription: 'Not Found' };
  }
  // A file (its last segment has an extension) is served as it is; any other path is a route of the app.
  if (!/\\.[A-Za-z0-9]+$/.test(uri.slice(uri.lastIndexOf('/') + 1))) {
    request.uri = '/app/index.html';
  }
  return request;
}
`;

/**
 * Same-origin everything (the app, its config, the API under /v1/*), plus the hosted login domain for the
 * token exchange and revocation (fetch) and for forms that post to it. No inline scripts or styles: Vite
 * emits files only (`assetsInlineLimit: 0`).
 */
function contentSecurityPolicy(cognitoDomain: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' https://${cognitoDomain}`,
    `form-action 'self' https://${cognitoDomain}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_IN_DOMAIN_PREFIX = /aws|amazon|cognito/;

/** The prefix, checked now rather than failing the deployment (a 12-digit stand-in for a token account). */
function domainPrefix(props: AgentUiProps, stack: Stack): string {
  const prefix = props.domainPrefix ?? `frontdoor-${props.stage}-${stack.account}`;
  const checked = props.domainPrefix ?? `frontdoor-${props.stage}-000000000000`;
  if (
    !Token.isUnresolved(checked) &&
    (!DOMAIN_PREFIX.test(checked) || RESERVED_IN_DOMAIN_PREFIX.test(checked))
  ) {
    throw new AgentUiError(
      `Cognito domain prefix "${checked}" is invalid: use up to 63 lowercase letters, digits or '-' (not at either end), without "aws", "amazon" or "cognito"`,
    );
  }
  return prefix;
}

/** The UI as an asset: a prebuilt directory as it is, or the Vite project built locally at synth time. */
function uiSource(props: AgentUiProps): ISource {
  if (props.prebuiltUiDir !== undefined && props.uiSourceDir !== undefined) {
    throw new AgentUiError('give the agent UI either uiSourceDir or prebuiltUiDir, not both');
  }
  if (props.prebuiltUiDir !== undefined) {
    const dir = resolve(REPO_ROOT, props.prebuiltUiDir);
    if (!existsSync(join(dir, 'index.html'))) {
      throw new AgentUiError(
        `the prebuilt agent UI ${dir} has no index.html: build it with npm run build:ui`,
      );
    }
    return Source.asset(dir);
  }
  const sourceDir = resolve(REPO_ROOT, props.uiSourceDir ?? 'ui');
  return Source.asset(sourceDir, {
    // The build output decides the hash: a new Vite or a changed config redeploys even with the same sources.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws. No Docker here or in CI.
      image: DockerImage.fromRegistry('none'),
      local: {
        tryBundle(outputDir: string): boolean {
          buildUi(sourceDir, outputDir);
          return true;
        },
      },
    },
  });
}

/** `vite build` of the project at `sourceDir` into `outputDir`, or an error that says why not. */
export function buildUi(sourceDir: string, outputDir: string): void {
  const config = join(sourceDir, 'vite.config.ts');
  const shown = relative(REPO_ROOT, config);
  if (!existsSync(config)) {
    throw new AgentUiError(`the agent UI cannot be built: ${shown} does not exist`);
  }
  let vite: string;
  try {
    const require = createRequire(import.meta.url);
    vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  } catch (e: unknown) {
    throw new AgentUiError('the agent UI cannot be built: vite is not installed (run npm ci)', { cause: e });
  }
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', config, '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 5 * 60_000,
    },
  );
  if (result.error || result.status !== 0) {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim();
    throw new AgentUiError(
      `the agent UI could not be built (vite build --config ${shown} exited ${result.status ?? result.signal}):\n${output}`,
      { cause: result.error },
    );
  }
  if (!existsSync(join(outputDir, 'index.html'))) {
    throw new AgentUiError(`the agent UI build (vite build --config ${shown}) wrote no index.html`);
  }
}

/** A resolved CloudFormation value as cdk-nag writes it in a finding id (`Fn::Join` joined, `Fn::GetAtt` as `<Id.Attr>`). */
function nagFlatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    if ('Fn::Join' in value) {
      const [delimiter, parts] = value['Fn::Join'] as [string, unknown[]];
      return parts.map(nagFlatten).join(delimiter);
    }
    if ('Fn::GetAtt' in value) return `<${(value['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Ref' in value) return `<${String(value.Ref)}>`;
  }
  throw new AgentUiError(`Cannot name a cdk-nag finding after ${JSON.stringify(value)}`);
}
